using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

public sealed class ScopesAndObjectIdTests
{
    [Fact]
    public void Underscore_is_the_empty_scope_list()
    {
        var scopes = Scopes.Parse("_");
        Assert.Equal(0, scopes.Count);
        Assert.Same(Scopes.Empty, scopes);
        Assert.Equal("_", Scopes.Empty.ToString());
    }

    [Fact]
    public void Parses_ordered_pairs_splitting_at_the_first_equals()
    {
        Assert.False(Scopes.TryParse("org=1;project=a=b", out _, out var error));
        Assert.Contains("project=a=b", error);
        var scopes = Scopes.Parse("org=42;project=1337;org=7");
        Assert.Equal([new Scope("org", "42"), new Scope("project", "1337"), new Scope("org", "7")], scopes.Items);
        Assert.Equal("42", scopes.Get("org"));
        Assert.Null(scopes.Get("missing"));
        Assert.Equal("org=42;project=1337;org=7", scopes.ToString());
    }

    [Fact]
    public void Accepts_every_allowed_character()
    {
        var allowed = "ABCXYZabcxyz0189_-()$!+'";
        var scopes = Scopes.Parse($"{allowed}={allowed}");
        Assert.Equal(allowed, scopes.Items[0].Name);
        Assert.Equal(allowed, scopes.Items[0].Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("org")]
    [InlineData("=1")]
    [InlineData("org=")]
    [InlineData("org=1;")]
    [InlineData(";org=1")]
    [InlineData("org=1;;project=2")]
    [InlineData("org=1 2")]
    [InlineData("org=a.b")]
    [InlineData("org=a/b")]
    [InlineData("org=a%20b")]
    [InlineData("org=é")]
    [InlineData("or*g=1")]
    [InlineData("__")]
    public void Rejects_malformed_scopes_with_a_message(string segment)
    {
        Assert.False(Scopes.TryParse(segment, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => Scopes.Parse(segment));
    }

    [Fact]
    public void Order_matters_for_equality()
    {
        Assert.Equal(Scopes.Parse("org=1;project=2"), Scopes.Parse("org=1;project=2"));
        Assert.Equal(Scopes.Parse("org=1;project=2").GetHashCode(), Scopes.Parse("org=1;project=2").GetHashCode());
        Assert.NotEqual(Scopes.Parse("org=1;project=2"), Scopes.Parse("project=2;org=1"));
    }

    [Fact]
    public void Create_validates_pairs()
    {
        Assert.Throws<FormatException>(() => Scopes.Create(new Scope("org", "a;b")));
        Assert.Equal("org=1", Scopes.Create(new Scope("org", "1")).ToString());
    }

    [Theory]
    [InlineData("_", "key", "attachments/objects/key")]
    [InlineData("org=1", "key", "attachments/org.1/objects/key")]
    [InlineData("org=1;project=2", "nested/path.json", "attachments/org.1/project.2/objects/nested/path.json")]
    public void Storage_path_follows_objectstore_layout(string scopes, string key, string path) =>
        Assert.Equal(path, new ObjectId("attachments", Scopes.Parse(scopes), key).StoragePath);

    [Fact]
    public void Object_ids_reject_empty_parts_and_compare_by_value()
    {
        Assert.Throws<ArgumentException>(() => new ObjectId("", Scopes.Empty, "k"));
        Assert.Throws<ArgumentException>(() => new ObjectId("u", Scopes.Empty, ""));
        Assert.Equal(new ObjectId("u", Scopes.Parse("a=1"), "k"), new ObjectId("u", Scopes.Parse("a=1"), "k"));
        Assert.NotEqual(new ObjectId("u", Scopes.Parse("a=1"), "k"), new ObjectId("u", Scopes.Parse("a=2"), "k"));
        Assert.Equal(new ObjectId("u", Scopes.Empty, "k2"), new ObjectId("u", Scopes.Empty, "k").WithKey("k2"));
    }

    [Fact]
    public void Revision_keys_extend_the_key_with_a_uuid_v7()
    {
        var id = new ObjectId("u", Scopes.Parse("a=1"), "key");
        var rev = Revision.NewFor(id);
        Assert.StartsWith("key/", rev.Key);
        Assert.Equal(7, Guid.Parse(rev.Key["key/".Length..]).Version);
        Assert.Equal(id.Scopes, rev.Scopes);
        Assert.NotEqual(rev, Revision.NewFor(id));
    }
}
