using System.Text;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.LongTerm;

/// <summary>The LT contract against the filesystem store, plus its path-encoding guarantees.</summary>
public sealed class FileSystemLongTermStoreTests : LongTermStoreContract, IDisposable
{
    // A directory walk has no resumable order without sorting whole directories in memory; the sweep starts over.
    protected override bool ResumesListings => false;

    // Parts never leave the store, so their etags are XxHash128 unless a Content-MD5 is to be checked.
    protected override bool PartETagsAreQuotedMd5 => false;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "lt-fs-" + Guid.NewGuid().ToString("N"));

    protected override async Task<ILongTermStore> CreateStoreAsync()
    {
        var store = new FileSystemLongTermStore(Path.Combine(_scratch, Guid.NewGuid().ToString("N"), "root"));
        await store.InitializeAsync(None);
        return store;
    }

    private async Task<(FileSystemLongTermStore Store, string Root)> CreateAtAsync(string name)
    {
        var root = Path.Combine(_scratch, name);
        var store = new FileSystemLongTermStore(root);
        await store.InitializeAsync(None);
        return (store, root);
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task A_part_etag_is_the_xxhash128_of_its_bytes_and_the_md5_when_a_content_md5_was_checked()
    {
        var store = await CreateStoreAsync();
        var uploadId = await store.InitiateMultipartAsync(Id("mp"), new ObjectMetadata(), None);
        var hello = "hello"u8.ToArray();
        Assert.Equal("\"" + Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(hello)) + "\"", await UploadPartAsync(store, Id("mp"), uploadId, 1, hello));
        Assert.Equal("\"5d41402abc4b2a76b9719d911017c592\"", await UploadPartAsync(store, Id("mp"), uploadId, 2, hello, Md5Base64(hello)));
        var listed = await store.ListPartsAsync(Id("mp"), uploadId, null, null, None);
        Assert.True((await store.CompleteMultipartAsync(Id("mp"), uploadId, [.. listed.Parts.Select(p => new CompletedPart(p.PartNumber, p.ETag))], None)).Succeeded);
        Assert.Equal("hellohello"u8.ToArray(), await ReadAsync(store, Id("mp")));
    }

    [Fact]
    public async Task No_key_writes_outside_the_root()
    {
        var parent = Path.Combine(_scratch, "jail");
        var root = Path.Combine(parent, "root");
        var store = new FileSystemLongTermStore(root);
        await store.InitializeAsync(None);
        foreach (var key in new[] { "../../../escape", "..", "../root2/x", "/abs/x", "a/../../..", "..%2F.." })
        {
            await PutAsync(store, Id(key), [1]);
            await PutAsync(store, new ObjectId("..", Scopes.Empty, key), [2]);
            var upload = await store.InitiateMultipartAsync(Id(key), new ObjectMetadata(), None);
            await UploadPartAsync(store, Id(key), upload, 1, [3]);
        }
        Assert.Equal([root], Directory.GetFileSystemEntries(parent));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories), p => Path.GetFileName(p).StartsWith('.'));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("Mixed Case.%2F")]
    [InlineData("emoji-😀 café")]
    [InlineData("a\0b")]
    public void Segment_encoding_is_reversible_and_only_uses_safe_characters(string segment)
    {
        var encoded = FileSystemLayout.EncodeSegment(Encoding.UTF8.GetBytes(segment));
        Assert.Matches("^(%|([a-z0-9_-]|%[0-9A-F]{2})+)$", encoded);
        Assert.Equal(segment, FileSystemLayout.DecodeSegment(encoded));
    }

    [Theory]
    [InlineData("%61")]
    [InlineData("%2e")]
    [InlineData("A")]
    [InlineData("x.blob")]
    [InlineData("%4")]
    public void Names_the_encoding_never_produces_do_not_decode(string name) =>
        Assert.Null(FileSystemLayout.DecodeSegment(name));

    [Fact]
    public void Long_paths_are_stored_under_their_hash_with_short_file_names()
    {
        var layout = new FileSystemLayout(Path.Combine(_scratch, "layout"));
        var shortOne = layout.Locate("u/objects/short");
        Assert.False(shortOne.Hashed);
        foreach (var path in new[] { "u/objects/" + new string('x', 241), "u/objects/" + string.Concat(Enumerable.Repeat("😀", 1000)), "u/" + string.Join('/', Enumerable.Repeat(new string('y', 200), 30)) })
        {
            var location = layout.Locate(path);
            Assert.True(location.Hashed);
            Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileName(location.BlobPath)) <= 255);
            Assert.StartsWith(layout.Long, location.BlobPath);
        }
    }

    [Fact]
    public void A_key_that_is_not_valid_unicode_is_rejected_clearly()
    {
        var layout = new FileSystemLayout(Path.Combine(_scratch, "layout"));
        var error = Assert.Throws<ArgumentException>(() => layout.Locate("u/objects/bad\uD800"));
        Assert.Contains("surrogate", error.Message);
    }

    [Fact]
    public async Task Deleting_the_last_blob_under_a_key_prunes_its_directories()
    {
        var (store, root) = await CreateAtAsync("prune");
        await PutAsync(store, Id("deep/er/blob"), [1]);
        await store.DeleteAsync(Id("deep/er/blob"), None);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, "objects")));
    }

    [Fact]
    public async Task Initialize_removes_temp_files_left_by_a_crashed_write()
    {
        var (store, root) = await CreateAtAsync("crashed");
        await PutAsync(store, Id("kept"), [1]);
        var leftover = Path.Combine(root, "tmp", "0123456789abcdef0123456789abcdef");
        await File.WriteAllBytesAsync(leftover, new byte[1000]);

        await new FileSystemLongTermStore(root).InitializeAsync(None);

        Assert.False(File.Exists(leftover));
        Assert.Equal(new byte[] { 1 }, await ReadAsync(store, Id("kept")));
    }

    [Fact]
    public async Task A_failed_write_leaves_no_blob_and_no_temp_file()
    {
        var (store, root) = await CreateAtAsync("failing");
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(Id("broken"), new ObjectMetadata(), new FailingStream(), null, None));
        Assert.Null(await store.GetMetadataAsync(Id("broken"), None));
        Assert.Empty(Directory.GetFiles(root, "*", SearchOption.AllDirectories));
    }

    private sealed class FailingStream : ReadOnlyStream
    {
        private int _reads;
                            public override int Read(byte[] buffer, int offset, int count) =>
            ++_reads < 3 ? count : throw new IOException("connection reset by peer");
                    }
}
