using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

public sealed class RevisionPathTests
{
    private static readonly string Uuid = Guid.CreateVersion7().ToString("D");

    private static List<string> OwnersOf(string path) => RevisionPath.Owners(path).Select(o => $"{o.Usecase}|{o.Scopes}|{o.Key}").ToList();

    [Fact]
    public void A_revision_path_reads_back_as_its_object_first_then_as_usecases_containing_slashes()
    {
        var id = new ObjectId("attachments", Scopes.Create(new Scope("org", "42"), new Scope("project", "1")), "a/b c");
        Assert.Equal(["attachments|org=42;project=1|a/b c", "attachments/org.42|project=1|a/b c", "attachments/org.42/project.1|_|a/b c"],
            OwnersOf(Revision.NewFor(id).StoragePath));
        Assert.Equal(["u|_|k"], OwnersOf(Revision.NewFor(new ObjectId("u", Scopes.Empty, "k")).StoragePath));
    }

    [Fact]
    public void Every_reading_of_an_ambiguous_path_is_returned_the_usual_one_first()
    {
        // A usecase may contain "/" and a key may contain "/objects/".
        Assert.Equal(["u|org=1|k/objects/x", "u/org.1|_|k/objects/x", "u/org.1/objects/k|_|x"], OwnersOf($"u/org.1/objects/k/objects/x/{Uuid}"));
    }

    [Theory]
    [InlineData("u/objects/k")]
    [InlineData("u/objects/k/not-a-uuid")]
    [InlineData("u/objects/k/0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("u/org.1/k/019a0000-0000-7000-8000-000000000000")]
    [InlineData("u/objects/019a0000-0000-7000-8000-000000000000")]
    [InlineData("u/objects/k/019A0000-0000-7000-8000-000000000000")]
    public void Paths_that_are_no_revision_blob_have_no_owner(string path) => Assert.Empty(RevisionPath.Owners(path));
}
