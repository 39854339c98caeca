using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Objects;

public sealed class ObjectGrainKeyTests
{
    public static TheoryData<string, string, string> Ids => new()
    {
        { "attachments", "_", "plain" },
        { "u_c", "org=1;project=2", "a/b%20c d" },
        { "1-x", "_", "2:y3:z" },
        { "emoji", "org=42", "🦀/../\n:" },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Format_and_parse_round_trip_any_characters(string usecase, string scopes, string key)
    {
        var id = new ObjectId(usecase, Scopes.Parse(scopes), key);

        Assert.Equal(id, ObjectContract.ParseGrainKey(ObjectContract.GrainKey(id)));
    }

    [Fact]
    public async Task The_cached_reference_path_names_the_same_grain_as_orleans_own_lookup()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var factory = cluster.Silos[0].GrainFactory;
        var ids = Ids.Select(row => new ObjectId((string)row[0], Scopes.Parse((string)row[1]), (string)row[2])).ToArray();

        foreach (var id in ids)
        {
            var ours = factory.GetObjectGrain(id);
            var orleans = factory.GetGrain<IObjectGrain>(ObjectContract.GrainKey(id));
            Assert.Equal(orleans.GetGrainId(), ours.GetGrainId());
            Assert.Equal(((GrainReference)(object)orleans).InterfaceType, ((GrainReference)(object)ours).InterfaceType);
            await ours.PutInline(new ObjectInfo(), "x"u8.ToArray());
            Assert.Equal("x"u8.ToArray(), (await orleans.Get()).Payload.ToArray());
        }
    }

    [Fact]
    public void The_key_format_itself_round_trips_usecases_no_object_id_may_have()
    {
        // ObjectGrainKey (the in-cluster contract) frames any strings; the usecase rule is the contract's check on top.
        var grainKey = ObjectGrainKey.Format("1:x", [new ObjectScope("org", "1")], "2:y3:z");
        Assert.Equal(("1:x", "2:y3:z"), (ObjectGrainKey.Parse(grainKey).Usecase, ObjectGrainKey.Parse(grainKey).Key));
        Assert.Throws<FormatException>(() => ObjectContract.ParseGrainKey(grainKey));
    }

    [Fact]
    public void Ids_that_concatenate_alike_get_different_keys()
    {
        var a = new ObjectId("a:b", Scopes.Empty, "c");
        var b = new ObjectId("a", Scopes.Empty, "b:c");
        var c = new ObjectId("a", Scopes.Parse("x=1"), "c");
        var d = new ObjectId("a", Scopes.Empty, "1:x1:1c");

        var keys = new[] { a, b, c, d }.Select(ObjectContract.GrainKey).ToArray();

        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("5:ab")]
    [InlineData("2:ab0:1:k extra")]
    [InlineData("x:ab0:1:k")]
    [InlineData("0:0:1:k")]
    public void Parse_rejects_keys_it_did_not_write(string grainKey)
    {
        Assert.Throws<FormatException>(() => ObjectContract.ParseGrainKey(grainKey));
    }

    [Fact]
    public void A_well_formed_key_naming_an_invalid_object_id_is_refused_naming_the_problem()
    {
        var grainKey = ObjectGrainKey.Format("", [new ObjectScope("org", "1")], "k");

        Assert.Equal(("", "k"), (ObjectGrainKey.Parse(grainKey).Usecase, ObjectGrainKey.Parse(grainKey).Key));
        var error = Assert.Throws<FormatException>(() => ObjectContract.ParseGrainKey(grainKey));
        Assert.Contains("invalid object id", error.Message);
    }

    [Theory]
    [InlineData("_", "")]
    [InlineData("org=1", "org:1")]
    [InlineData("org=1;project=a=b", "org:1,project:a=b")]
    public void Scope_paths_parse_into_ordered_pairs(string path, string expected)
    {
        var pairs = string.Join(",", ObjectGrainKey.ParseScopes(path).Select(s => $"{s.Name}:{s.Value}"));
        Assert.Equal(expected, pairs);
    }

    [Theory]
    [InlineData("org")]
    [InlineData("=1")]
    [InlineData("org=")]
    [InlineData("org=1;")]
    public void Malformed_scope_paths_are_refused(string path)
    {
        Assert.Throws<FormatException>(() => ObjectGrainKey.ParseScopes(path));
    }
}
