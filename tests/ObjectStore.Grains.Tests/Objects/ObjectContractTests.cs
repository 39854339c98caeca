using ObjectStore.Grains.Objects;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Tests.Objects;

/// <summary>What the in-cluster contract refuses, through real grain calls (across silos where it matters): nothing refused is stored.</summary>
public sealed class ObjectContractTests
{
    private static ObjectId Id(string key) => new("grains", Scopes.Parse("org=1"), key);

    /// <summary>Nothing at all was stored for <paramref name="id"/>: no HV row, no change entry, no LT blob.</summary>
    private static async Task AssertNothingStoredAsync(GrainsCluster cluster, ObjectId id)
    {
        await cluster.JoinAllAsync();
        var row = await cluster.HighVolume.ReadMetadataAsync(id, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Null(row.Metadata);
        var entries = new List<Storage.ChangeLog.ChangeEntry>();
        await foreach (var entry in cluster.ChangeLog.ListAsync(CancellationToken.None)) entries.Add(entry);
        Assert.Empty(entries);
        Assert.Empty(await cluster.AllBlobsAsync());
    }

    [Fact]
    public async Task PutInline_refuses_a_payload_over_the_inline_threshold_and_names_the_HTTP_path()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = await cluster.IdOwnedByAsync(cluster.Silos[0], "too-big");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            cluster.Object(id, 1).PutInline(Gateway.Metadata(), new byte[GrainsCluster.InlineThreshold + 1]));
        var atThreshold = await cluster.Object(id, 1).PutInline(Gateway.Metadata(), new byte[GrainsCluster.InlineThreshold]);

        Assert.Contains("PUT /v1/objects/{usecase}/{scopes}/{key}", error.Message);
        Assert.Contains($"{GrainsCluster.InlineThreshold + 1} bytes", error.Message);
        Assert.Equal(GrainsCluster.InlineThreshold, atThreshold.Size);
        Assert.Equal(new byte[GrainsCluster.InlineThreshold], await Gateway.ReadAsync(cluster.Object(id, 0), cluster.LongTerm));
    }

    [Fact]
    public async Task An_oversized_inline_payload_stores_nothing()
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var id = Id("too-big-alone");

        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Object(id).PutInline(Gateway.Metadata(), new byte[GrainsCluster.InlineThreshold * 3]));

        Assert.Equal(ObjectReadKind.NotFound, (await cluster.Object(id).Get()).Kind);
        await AssertNothingStoredAsync(cluster, id);
    }

    public static TheoryData<string, ObjectInfo, string> InvalidMetadata => new()
    {
        { "expiration", new ObjectInfo { Expiration = "ttl:banana" }, "ttl:banana" },
        { "custom name with a space", new ObjectInfo { Custom = new Dictionary<string, string> { ["bad name"] = "x" } }, "bad name" },
        { "compression", new ObjectInfo { Compression = "gzip" }, "gzip" },
        { "content type", new ObjectInfo { ContentType = "text" }, "content type" },
    };

    [Fact]
    public async Task Unicode_and_control_characters_in_free_form_values_are_stored_as_logical_strings()
    {
        // The gateway percent-encodes them on the wire (objectstore-types 0.3.1); through a grain they are plain strings.
        await using var cluster = await GrainsCluster.StartAsync(1);
        var id = Id("unicode-metadata");
        var metadata = new ObjectInfo { Origin = "caf\u00e9", Filename = "r\u00e9port \ud83d\udcc4.pdf", Custom = new Dictionary<string, string> { ["note"] = "line one\nline two 100%" } };

        await cluster.Object(id).PutInline(metadata, "x"u8.ToArray());
        var head = (await cluster.Object(id).Head())!;

        Assert.Equal((metadata.Origin, metadata.Filename, "line one\nline two 100%"), (head.Origin, head.Filename, head.Custom!["note"]));
    }

    [Fact]
    public void A_free_form_value_that_is_not_well_formed_text_is_refused_before_any_write()
    {
        // Orleans' serializer already replaces lone surrogates between silos; a local caller's string reaches this check.
        var custom = Assert.Throws<ArgumentException>(() => ObjectContract.ToMetadata(new ObjectInfo { Custom = new Dictionary<string, string> { ["note"] = "half \ud83d" } }));
        var origin = Assert.Throws<ArgumentException>(() => ObjectContract.ToMetadata(new ObjectInfo { Origin = "\udc00" }));
        Assert.Contains("custom metadata 'note'", custom.Message);
        Assert.Contains("origin", origin.Message);
    }

    [Theory]
    [MemberData(nameof(InvalidMetadata))]
    public async Task Invalid_metadata_is_refused_by_every_write_and_stores_nothing(string what, ObjectInfo metadata, string named)
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = await cluster.IdOwnedByAsync(cluster.Silos[0], "invalid-" + what.Replace(' ', '-'));

        var inline = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Object(id, 1).PutInline(metadata, "x"u8.ToArray()));
        var large = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Object(id, 1).BeginLargeWrite(metadata));
        var multipart = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Object(id, 0).InitiateMultipart(metadata));

        Assert.All(new[] { inline, large, multipart }, e => Assert.Contains(named, e.Message));
        Assert.Equal(ObjectReadKind.NotFound, (await cluster.Object(id, 1).Get()).Kind);
        await AssertNothingStoredAsync(cluster, id);
    }

    [Fact]
    public async Task Valid_metadata_round_trips_through_the_grain_as_given()
    {
        await using var cluster = await GrainsCluster.StartAsync(2);
        var id = await cluster.IdOwnedByAsync(cluster.Silos[0], "valid");
        var metadata = new ObjectInfo
        {
            ContentType = "text/plain; charset=utf-8",
            Compression = "zstd",
            Expiration = "tti:2h",
            Origin = "tests\tsuite",
            Filename = "report final.txt",
            Custom = new Dictionary<string, string> { ["Owner"] = "team a" },
        };

        await cluster.Object(id, 1).PutInline(metadata, "x"u8.ToArray());
        var head = (await cluster.Object(id, 1).Head())!;

        Assert.Equal((metadata.ContentType, metadata.Compression, metadata.Expiration, metadata.Origin, metadata.Filename),
            (head.ContentType, head.Compression, head.Expiration, head.Origin, head.Filename));
        Assert.Equal("team a", Assert.Single(head.Custom!, kv => kv.Key == "owner").Value);
    }

    public static TheoryData<string, string> InvalidKeys => new()
    {
        { "an empty usecase", ObjectGrainKey.Format("", [new ObjectScope("org", "1")], "k") },
        { "an empty key", ObjectGrainKey.Format("grains", [], "") },
        { "a usecase of two characters", ObjectGrainKey.Format("ab", [], "k") },
        { "a usecase with a dot", ObjectGrainKey.Format("attach.ments", [], "k") },
        { "a key it did not write", "not a grain key" },
    };

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task A_grain_key_that_names_no_valid_object_id_fails_the_call(string what, string grainKey)
    {
        await using var cluster = await GrainsCluster.StartAsync(1);
        var grain = cluster.Silos[0].GrainFactory.GetGrain<IObjectGrain>(grainKey);

        // The activation fails (its key is parsed there) and the call carries the parse error as itself.
        var put = await Assert.ThrowsAsync<FormatException>(() => grain.PutInline(Gateway.Metadata(), "x"u8.ToArray()));
        var get = await Assert.ThrowsAsync<FormatException>(() => grain.Get());

        foreach (var error in new[] { put, get }) Assert.True(error.Message.StartsWith("object grain key", StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal(0, ((Storage.HighVolume.InMemoryHighVolumeStore)cluster.HighVolume).Count);
        Assert.Empty(await cluster.AllBlobsAsync());
    }
}
