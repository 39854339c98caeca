using System.Text;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Objects;
using static ObjectStore.Storage.Tests.Objects.TestObjects;

namespace ObjectStore.Storage.Tests.HighVolume;

/// <summary>
/// The behaviour every <see cref="IHighVolumeStore"/> must show. A backend's test class derives from
/// this and creates an initialized, empty store; every test runs against it.
/// </summary>
public abstract class HighVolumeStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Scopes TestScopes = Scopes.Parse("org=1;project=2");

    private IHighVolumeStore? _store;

    /// <summary>Creates an initialized store with no rows.</summary>
    protected abstract Task<IHighVolumeStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> created.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    protected IHighVolumeStore Store => _store ?? throw new InvalidOperationException("store not created");

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    protected static ObjectId Id(string key) => new("attachments", TestScopes, key);

    protected static ObjectMetadata Meta(ExpirationPolicy? policy = null, DateTimeOffset? at = null) => new ObjectMetadata
    {
        ContentType = "text/plain",
        Origin = "10.0.0.1",
        Filename = "report.txt",
        Compression = "zstd",
        Expiration = policy ?? ExpirationPolicy.Manual,
        Custom = new Dictionary<string, string> { ["color"] = "blue", ["shape"] = "round" },
    }.StampedAt(at ?? Now);

    protected static Tombstone Tomb(ObjectId target, ExpirationPolicy? policy = null, DateTimeOffset? at = null) =>
        new(target, Meta(policy, at) with { Size = 5_000_000 });

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static ObjectId Rev(ObjectId id, int n) => id.WithKey($"{id.Key}/rev-{n}");

    private Task<HighVolumeEntry> Read(ObjectId id, ByteRange? range = null, DateTimeOffset? now = null) =>
        Store.ReadAsync(id, range, now ?? Now, CancellationToken.None);

    private Task<HighVolumeEntry> ReadMeta(ObjectId id, DateTimeOffset? now = null) => Store.ReadMetadataAsync(id, now ?? Now, CancellationToken.None);

    private Task<Tombstone?> Put(ObjectId id, byte[] payload, ObjectMetadata? metadata = null, DateTimeOffset? now = null) =>
        Store.PutInlineUnlessTombstoneAsync(id, metadata ?? Meta(), payload, now ?? Now, CancellationToken.None);

    private Task<bool> Cas(ObjectId id, ObjectId? expected, TieredWrite write, DateTimeOffset? now = null) =>
        Store.CompareAndWriteAsync(id, expected, write, now ?? Now, CancellationToken.None);

    private async Task SeedTombstone(ObjectId id, Tombstone tombstone) =>
        Assert.True(await Cas(id, null, new TieredWrite.WriteTombstone(tombstone), tombstone.Metadata.TimeCreated));

    private async Task AssertTombstone(ObjectId id, ObjectId target)
    {
        var entry = await Read(id);
        Assert.Equal(EntryKind.Tombstone, entry.Kind);
        Assert.Equal(target, entry.Tombstone!.Target);
    }

    private async Task AssertInline(ObjectId id, string payload)
    {
        var entry = await Read(id);
        Assert.Equal(EntryKind.Inline, entry.Kind);
        Assert.Equal(payload, Encoding.UTF8.GetString(entry.Payload.Span));
    }

    [Fact]
    public async Task Initialize_is_idempotent()
    {
        await Store.InitializeAsync(CancellationToken.None);
        await Store.InitializeAsync(CancellationToken.None);
        Assert.Null(await Put(Id("after-reinit"), Bytes("x")));
        await AssertInline(Id("after-reinit"), "x");
    }

    [Fact]
    public async Task Absent_object_is_not_found_by_both_reads()
    {
        Assert.Equal(EntryKind.NotFound, (await Read(Id("missing"))).Kind);
        Assert.Equal(EntryKind.NotFound, (await ReadMeta(Id("missing"))).Kind);
    }

    [Fact]
    public async Task Inline_write_reads_back_payload_and_every_metadata_field()
    {
        var metadata = Meta(ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(2)));
        Assert.Null(await Put(Id("doc"), Bytes("hello world"), metadata));

        var entry = await Read(Id("doc"));
        Assert.Equal(EntryKind.Inline, entry.Kind);
        Assert.Equal("hello world", Encoding.UTF8.GetString(entry.Payload.Span));
        Assert.Null(entry.Range);
        var read = entry.Metadata!;
        Assert.Equal("text/plain", read.ContentType);
        Assert.Equal("zstd", read.Compression);
        Assert.Equal("10.0.0.1", read.Origin);
        Assert.Equal("report.txt", read.Filename);
        Assert.Equal(metadata.Expiration, read.Expiration);
        Assert.Equal(Now, read.TimeCreated);
        Assert.Equal(Now + TimeSpan.FromHours(2), read.TimeExpires);
        Assert.Equal(11, read.Size);
        Assert.Equal(metadata.Custom.OrderBy(kv => kv.Key), read.Custom.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task Inline_write_keeps_its_own_copy_of_the_caller_buffer()
    {
        var payload = Bytes("pooled");
        Assert.Null(await Put(Id("doc"), payload));
        payload[0] = (byte)'X';
        await AssertInline(Id("doc"), "pooled");
    }

    [Fact]
    public async Task Metadata_read_of_an_inline_object_has_size_and_no_payload()
    {
        await Put(Id("doc"), Bytes("twelve bytes"));
        var entry = await ReadMeta(Id("doc"));
        Assert.Equal(EntryKind.Inline, entry.Kind);
        Assert.True(entry.Payload.IsEmpty);
        Assert.Equal(12, entry.Metadata!.Size);
        Assert.Equal("report.txt", entry.Metadata.Filename);
    }

    [Fact]
    public async Task Inline_overwrite_replaces_payload_and_metadata()
    {
        await Put(Id("doc"), Bytes("first"));
        Assert.Null(await Put(Id("doc"), Bytes("second!"), Meta() with { ContentType = "application/json" }));
        var entry = await Read(Id("doc"));
        Assert.Equal("second!", Encoding.UTF8.GetString(entry.Payload.Span));
        Assert.Equal("application/json", entry.Metadata!.ContentType);
        Assert.Equal(7, entry.Metadata.Size);
    }

    private static readonly Dictionary<string, string> s_unusualKeys = new()
    {
        ["slashes"] = "nested/path/segments",
        ["percent"] = "100%literal-percent",
        ["encoded-looking"] = "looks%20encoded",
        ["spaces"] = " with  spaces ",
        ["emoji"] = "emoji-😀",
        ["accents"] = "café-unicode",
        ["delimiters"] = "sub!$'()*+,=delims;semi",
        ["nul"] = "nul\0inside",
        ["single-char"] = "x",
        ["10KB"] = new string('k', 10 * 1024),
        ["24KB-mixed"] = string.Concat(Enumerable.Repeat("😀/%", 3000)),
    };

    public static TheoryData<string> UnusualKeys => new(s_unusualKeys.Keys);

    [Theory]
    [MemberData(nameof(UnusualKeys))]
    public async Task Unusual_keys_round_trip_exactly(string name)
    {
        var key = s_unusualKeys[name];
        Assert.Null(await Put(Id(key), Bytes("payload of " + name)));
        await AssertInline(Id(key), "payload of " + name);
        Assert.Equal(EntryKind.NotFound, (await Read(Id(key + "x"))).Kind);
        Assert.Equal(EntryKind.NotFound, (await Read(Id("x" + key))).Kind);
        Assert.Null(await Store.DeleteUnlessTombstoneAsync(Id(key), Now, CancellationToken.None));
        Assert.Equal(EntryKind.NotFound, (await Read(Id(key))).Kind);
    }

    [Fact]
    public async Task Same_key_under_other_scopes_or_usecase_is_another_object()
    {
        var a = new ObjectId("attachments", Scopes.Parse("org=1"), "k");
        var b = new ObjectId("attachments", Scopes.Parse("org=2"), "k");
        var c = new ObjectId("attachments", Scopes.Empty, "k");
        var d = new ObjectId("profiles", Scopes.Parse("org=1"), "k");
        var e = new ObjectId("attachments", Scopes.Parse("org=1;project=2"), "k");
        ObjectId[] ids = [a, b, c, d, e];
        foreach (var id in ids) await Put(id, Bytes(id.ToString()));
        foreach (var id in ids) await AssertInline(id, id.ToString());
    }

    [Fact]
    public async Task Empty_payload_round_trips()
    {
        Assert.Null(await Put(Id("empty"), []));
        var entry = await Read(Id("empty"));
        Assert.Equal(EntryKind.Inline, entry.Kind);
        Assert.True(entry.Payload.IsEmpty);
        Assert.Equal(0, entry.Metadata!.Size);
    }

    [Fact]
    public async Task Payload_of_exactly_one_MiB_round_trips()
    {
        var payload = new byte[1024 * 1024];
        new Random(42).NextBytes(payload);
        Assert.Null(await Put(Id("big"), payload));
        var entry = await Read(Id("big"));
        Assert.True(entry.Payload.Span.SequenceEqual(payload));
        Assert.Equal(payload.Length, entry.Metadata!.Size);
        Assert.Equal(payload.Length, (await ReadMeta(Id("big"))).Metadata!.Size);
    }

    public static TheoryData<string, long, long, string> SatisfiableRanges => new()
    {
        // api doc §6 worked examples on a 22-byte object, plus clipping.
        { "bytes=0-4", 0, 4, "bytes 0-4/22" },
        { "bytes=-9", 13, 21, "bytes 13-21/22" },
        { "bytes=7-", 7, 21, "bytes 7-21/22" },
        { "bytes=20-100", 20, 21, "bytes 20-21/22" },
        { "bytes=-100", 0, 21, "bytes 0-21/22" },
        { "bytes=21-21", 21, 21, "bytes 21-21/22" },
    };

    [Theory]
    [MemberData(nameof(SatisfiableRanges))]
    public async Task Satisfiable_range_returns_that_slice(string header, long start, long end, string contentRange)
    {
        const string payload = "0123456789abcdefghijkl";
        await Put(Id("ranged"), Bytes(payload));
        var entry = await Read(Id("ranged"), ParseRange(header));
        Assert.Equal(EntryKind.Inline, entry.Kind);
        Assert.Equal(contentRange, entry.Range!.Value.ToString());
        Assert.Equal(payload[(int)start..(int)(end + 1)], Encoding.UTF8.GetString(entry.Payload.Span));
        Assert.Equal(22, entry.Metadata!.Size);
    }

    [Theory]
    [InlineData("0123456789abcdefghijkl", "bytes=100-200")]
    [InlineData("0123456789abcdefghijkl", "bytes=22-")]
    [InlineData("", "bytes=0-0")]
    [InlineData("", "bytes=-5")]
    public async Task Unsatisfiable_range_returns_no_range_no_bytes_and_the_total_size(string payload, string header)
    {
        await Put(Id("ranged"), Bytes(payload));
        var entry = await Read(Id("ranged"), ParseRange(header));
        Assert.Equal(EntryKind.Inline, entry.Kind);
        Assert.Null(entry.Range);
        Assert.True(entry.Payload.IsEmpty);
        Assert.Equal(payload.Length, entry.Metadata!.Size);
    }

    [Fact]
    public async Task Range_on_a_tombstone_is_ignored_and_returns_the_redirect()
    {
        await SeedTombstone(Id("large"), Tomb(Rev(Id("large"), 1)));
        var entry = await Read(Id("large"), ByteRange.Bounded(0, 4));
        Assert.Equal(EntryKind.Tombstone, entry.Kind);
        Assert.Null(entry.Range);
    }

    [Fact]
    public async Task Tombstone_reads_back_its_target_and_metadata_through_both_reads()
    {
        var tombstone = Tomb(Rev(Id("large"), 1), ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1)));
        await SeedTombstone(Id("large"), tombstone);
        foreach (var entry in new[] { await Read(Id("large")), await ReadMeta(Id("large")) })
        {
            Assert.Equal(EntryKind.Tombstone, entry.Kind);
            Assert.Equal(tombstone.Target, entry.Tombstone!.Target);
            Assert.Equal(5_000_000, entry.Metadata!.Size);
            Assert.Equal(tombstone.Metadata.Expiration, entry.Metadata.Expiration);
            Assert.Equal(Now + TimeSpan.FromDays(1), entry.Metadata.TimeExpires);
            Assert.True(entry.Payload.IsEmpty);
        }
    }

    [Fact]
    public async Task Put_inline_over_a_live_tombstone_returns_it_and_writes_nothing()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        var blocking = await Put(Id("k"), Bytes("small"));
        Assert.NotNull(blocking);
        Assert.Equal(Rev(Id("k"), 1), blocking.Target);
        Assert.Equal(5_000_000, blocking.Metadata.Size);
        await AssertTombstone(Id("k"), Rev(Id("k"), 1));
    }

    [Fact]
    public async Task Delete_unless_tombstone_removes_an_inline_object()
    {
        await Put(Id("k"), Bytes("small"));
        Assert.Null(await Store.DeleteUnlessTombstoneAsync(Id("k"), Now, CancellationToken.None));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"))).Kind);
        Assert.Null(await Store.DeleteUnlessTombstoneAsync(Id("k"), Now, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_unless_tombstone_returns_a_live_tombstone_and_keeps_it()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        var tombstone = await Store.DeleteUnlessTombstoneAsync(Id("k"), Now, CancellationToken.None);
        Assert.Equal(Rev(Id("k"), 1), tombstone!.Target);
        await AssertTombstone(Id("k"), Rev(Id("k"), 1));
    }

    [Fact]
    public async Task Compare_and_write_tombstone_over_absent_or_inline_with_no_expected_target()
    {
        Assert.True(await Cas(Id("absent"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("absent"), 1)))));
        await AssertTombstone(Id("absent"), Rev(Id("absent"), 1));

        await Put(Id("inline"), Bytes("small"));
        Assert.True(await Cas(Id("inline"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("inline"), 1)))));
        await AssertTombstone(Id("inline"), Rev(Id("inline"), 1));
    }

    private Task SeedExpiredTombstone(ObjectId id, int revision) =>
        SeedTombstone(id, Tomb(Rev(id, revision), ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));

    [Fact]
    public async Task Read_redirect_sees_a_tombstone_live_or_expired_and_nothing_else()
    {
        await SeedTombstone(Id("live"), Tomb(Rev(Id("live"), 1)));
        await SeedExpiredTombstone(Id("expired"), 1);
        await Put(Id("inline"), Bytes("small"));
        await Put(Id("expired-inline"), Bytes("small"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));

        Assert.Equal(Rev(Id("live"), 1), (await Store.ReadRedirectAsync(Id("live"), CancellationToken.None))!.Target);
        var expired = await Store.ReadRedirectAsync(Id("expired"), CancellationToken.None);
        Assert.Equal(Rev(Id("expired"), 1), expired!.Target);
        Assert.Equal(5_000_000, expired.Metadata.Size);
        Assert.True(expired.IsExpired(Now));
        Assert.Null(await Store.ReadRedirectAsync(Id("inline"), CancellationToken.None));
        Assert.Null(await Store.ReadRedirectAsync(Id("expired-inline"), CancellationToken.None));
        Assert.Null(await Store.ReadRedirectAsync(Id("absent"), CancellationToken.None));
    }

    [Fact]
    public async Task Put_inline_over_an_expired_tombstone_returns_it_and_writes_nothing()
    {
        await SeedExpiredTombstone(Id("k"), 1);
        var blocking = await Put(Id("k"), Bytes("small"));
        Assert.Equal(Rev(Id("k"), 1), blocking!.Target);
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"))).Kind);
        Assert.Equal(Rev(Id("k"), 1), Assert.Single(await Store.ListExpiredAsync(Now, 10, CancellationToken.None)).Target);
    }

    [Fact]
    public async Task Put_inline_over_an_expired_inline_object_writes()
    {
        await Put(Id("k"), Bytes("old"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));
        Assert.Null(await Put(Id("k"), Bytes("new")));
        await AssertInline(Id("k"), "new");
    }

    [Fact]
    public async Task Delete_unless_tombstone_returns_an_expired_tombstone_and_keeps_it()
    {
        await SeedExpiredTombstone(Id("k"), 1);
        Assert.Equal(Rev(Id("k"), 1), (await Store.DeleteUnlessTombstoneAsync(Id("k"), Now, CancellationToken.None))!.Target);
        Assert.Equal(Rev(Id("k"), 1), Assert.Single(await Store.ListExpiredAsync(Now, 10, CancellationToken.None)).Target);
    }

    [Fact]
    public async Task Delete_unless_tombstone_removes_an_expired_inline_object()
    {
        await Put(Id("k"), Bytes("old"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));
        Assert.Null(await Store.DeleteUnlessTombstoneAsync(Id("k"), Now, CancellationToken.None));
        Assert.Empty(await Store.ListExpiredAsync(Now, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Compare_and_write_matches_an_expired_tombstone_like_a_live_one()
    {
        await SeedExpiredTombstone(Id("k"), 1);
        Assert.False(await Cas(Id("k"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 3)))));
        Assert.False(await Cas(Id("k"), null, new TieredWrite.WriteInline(Meta(), Bytes("small"))));
        Assert.False(await Cas(Id("k"), Rev(Id("k"), 9), new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 3)))));
        Assert.Equal(Rev(Id("k"), 1), (await Store.ReadRedirectAsync(Id("k"), CancellationToken.None))!.Target);

        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 2)))));
        await AssertTombstone(Id("k"), Rev(Id("k"), 2));
        Assert.Empty(await Store.ListExpiredAsync(Now, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Compare_and_write_swaps_or_deletes_an_expired_tombstone_it_expects()
    {
        await SeedExpiredTombstone(Id("to-inline"), 1);
        await SeedExpiredTombstone(Id("to-delete"), 1);
        Assert.True(await Cas(Id("to-inline"), Rev(Id("to-inline"), 1), new TieredWrite.WriteInline(Meta(), Bytes("small"))));
        await AssertInline(Id("to-inline"), "small");
        Assert.True(await Cas(Id("to-delete"), Rev(Id("to-delete"), 1), TieredWrite.Delete.Instance));
        Assert.Null(await Store.ReadRedirectAsync(Id("to-delete"), CancellationToken.None));
        Assert.Empty(await Store.ListExpiredAsync(Now, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Compare_and_write_over_an_expired_inline_object_with_no_expected_target()
    {
        await Put(Id("k"), Bytes("old"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));
        Assert.True(await Cas(Id("k"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 1)))));
        await AssertTombstone(Id("k"), Rev(Id("k"), 1));
    }

    [Fact]
    public async Task Compare_and_write_with_no_expected_target_loses_to_a_live_tombstone()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        Assert.False(await Cas(Id("k"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 2)))));
        Assert.False(await Cas(Id("k"), null, new TieredWrite.WriteInline(Meta(), Bytes("small"))));
        await AssertTombstone(Id("k"), Rev(Id("k"), 1));
    }

    [Fact]
    public async Task Compare_and_write_swaps_a_tombstone_for_a_new_revision_and_repeats_idempotently()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        var swap = new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 2)));
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), swap));
        await AssertTombstone(Id("k"), Rev(Id("k"), 2));
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), swap)); // the retry after a lost response
        await AssertTombstone(Id("k"), Rev(Id("k"), 2));
    }

    [Fact]
    public async Task Compare_and_write_against_the_wrong_target_changes_nothing()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        Assert.False(await Cas(Id("k"), Rev(Id("k"), 9), new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 2)))));
        Assert.False(await Cas(Id("k"), Rev(Id("k"), 9), new TieredWrite.WriteInline(Meta(), Bytes("small"))));
        Assert.False(await Cas(Id("k"), Rev(Id("k"), 9), TieredWrite.Delete.Instance));
        await AssertTombstone(Id("k"), Rev(Id("k"), 1));
    }

    [Fact]
    public async Task Compare_and_write_against_an_absent_row_with_an_expected_target_fails_for_tombstones()
    {
        Assert.False(await Cas(Id("k"), Rev(Id("k"), 1), new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 2)))));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"))).Kind);
    }

    [Fact]
    public async Task Compare_and_write_swaps_a_tombstone_for_inline_data_and_repeats_idempotently()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        var write = new TieredWrite.WriteInline(Meta(), Bytes("now small"));
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), write));
        await AssertInline(Id("k"), "now small");
        Assert.Equal(9, (await ReadMeta(Id("k"))).Metadata!.Size);
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), write));
        await AssertInline(Id("k"), "now small");
    }

    [Fact]
    public async Task Compare_and_delete_removes_the_tombstone_and_repeats_idempotently()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), TieredWrite.Delete.Instance));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"))).Kind);
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), TieredWrite.Delete.Instance));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"))).Kind);
    }

    [Fact]
    public async Task Compare_and_delete_retry_leaves_a_later_inline_write_alone()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), TieredWrite.Delete.Instance));
        await Put(Id("k"), Bytes("later"));
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), TieredWrite.Delete.Instance));
        await AssertInline(Id("k"), "later");
    }

    [Fact]
    public async Task Rewriting_the_same_tombstone_target_updates_its_metadata()
    {
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1)));
        var updated = Tomb(Rev(Id("k"), 1)) with { Metadata = Meta() with { Size = 6_000_000, ContentType = "image/png" } };
        Assert.True(await Cas(Id("k"), Rev(Id("k"), 1), new TieredWrite.WriteTombstone(updated)));
        var entry = await ReadMeta(Id("k"));
        Assert.Equal(6_000_000, entry.Metadata!.Size);
        Assert.Equal("image/png", entry.Metadata.ContentType);
    }

    [Fact]
    public async Task Expired_objects_are_not_found_and_the_deadline_itself_is_still_live()
    {
        var ttl = ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1));
        await Put(Id("inline"), Bytes("x"), Meta(ttl));
        await SeedTombstone(Id("tomb"), Tomb(Rev(Id("tomb"), 1), ttl));
        var deadline = Now + TimeSpan.FromHours(1);
        foreach (var id in new[] { Id("inline"), Id("tomb") })
        {
            Assert.NotEqual(EntryKind.NotFound, (await Read(id, now: deadline)).Kind);
            Assert.NotEqual(EntryKind.NotFound, (await ReadMeta(id, now: deadline)).Kind);
            foreach (var after in new[] { deadline.AddTicks(1), deadline.AddTicks(10), deadline.AddDays(1) })
            {
                Assert.Equal(EntryKind.NotFound, (await Read(id, now: after)).Kind);
                Assert.Equal(EntryKind.NotFound, (await ReadMeta(id, now: after)).Kind);
            }
        }
    }

    [Fact]
    public async Task Manual_objects_never_expire()
    {
        await Put(Id("k"), Bytes("x"));
        Assert.Equal(EntryKind.Inline, (await Read(Id("k"), now: DateTimeOffset.MaxValue)).Kind);
        Assert.Empty(await Store.ListExpiredAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Bump_extends_a_live_inline_deadline_and_reads_show_it()
    {
        var tti = ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1));
        await Put(Id("k"), Bytes("x"), Meta(tti));
        var later = Now + TimeSpan.FromHours(5);
        Assert.True(await Store.BumpExpiryAsync(Id("k"), null, later, Now + TimeSpan.FromMinutes(30), CancellationToken.None));
        Assert.Equal(later, (await ReadMeta(Id("k"))).Metadata!.TimeExpires);
        Assert.Equal(EntryKind.Inline, (await Read(Id("k"), now: Now + TimeSpan.FromHours(4))).Kind);
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"), now: later.AddTicks(10))).Kind);
    }

    [Fact]
    public async Task Bump_never_shortens_a_deadline()
    {
        await Put(Id("k"), Bytes("x"), Meta(ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(3))));
        Assert.True(await Store.BumpExpiryAsync(Id("k"), null, Now + TimeSpan.FromHours(1), Now, CancellationToken.None));
        Assert.Equal(Now + TimeSpan.FromHours(3), (await ReadMeta(Id("k"))).Metadata!.TimeExpires);
    }

    [Fact]
    public async Task Bump_never_creates_or_revives_a_row()
    {
        Assert.False(await Store.BumpExpiryAsync(Id("absent"), null, Now + TimeSpan.FromDays(1), Now, CancellationToken.None));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("absent"))).Kind);

        await Put(Id("old"), Bytes("x"), Meta(ExpirationPolicy.TimeToIdle(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));
        Assert.False(await Store.BumpExpiryAsync(Id("old"), null, Now + TimeSpan.FromDays(1), Now, CancellationToken.None));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("old"))).Kind);
    }

    [Fact]
    public async Task Bump_never_revives_an_expired_tombstone()
    {
        var tti = ExpirationPolicy.TimeToIdle(TimeSpan.FromMinutes(1));
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1), tti, Now - TimeSpan.FromHours(1)));
        Assert.False(await Store.BumpExpiryAsync(Id("k"), Rev(Id("k"), 1), Now + TimeSpan.FromDays(1), Now, CancellationToken.None));
        Assert.Equal(EntryKind.NotFound, (await ReadMeta(Id("k"))).Kind);
        Assert.Single(await Store.ListExpiredAsync(Now, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Bump_of_a_tombstone_needs_its_exact_target()
    {
        var tti = ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1));
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1), tti));
        var later = Now + TimeSpan.FromHours(5);
        Assert.False(await Store.BumpExpiryAsync(Id("k"), null, later, Now, CancellationToken.None));
        Assert.False(await Store.BumpExpiryAsync(Id("k"), Rev(Id("k"), 2), later, Now, CancellationToken.None));
        Assert.Equal(Now + TimeSpan.FromHours(1), (await ReadMeta(Id("k"))).Metadata!.TimeExpires);
        Assert.True(await Store.BumpExpiryAsync(Id("k"), Rev(Id("k"), 1), later, Now, CancellationToken.None));
        var entry = await ReadMeta(Id("k"));
        Assert.Equal(later, entry.Metadata!.TimeExpires);
        Assert.Equal(Rev(Id("k"), 1), entry.Tombstone!.Target);
    }

    [Fact]
    public async Task Bump_of_an_inline_object_with_an_expected_target_fails()
    {
        await Put(Id("k"), Bytes("x"), Meta(ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1))));
        Assert.False(await Store.BumpExpiryAsync(Id("k"), Rev(Id("k"), 1), Now + TimeSpan.FromHours(5), Now, CancellationToken.None));
        Assert.Equal(Now + TimeSpan.FromHours(1), (await ReadMeta(Id("k"))).Metadata!.TimeExpires);
    }

    [Fact]
    public async Task Bump_of_a_manual_object_changes_nothing()
    {
        await Put(Id("k"), Bytes("x"));
        Assert.True(await Store.BumpExpiryAsync(Id("k"), null, Now + TimeSpan.FromHours(5), Now, CancellationToken.None));
        Assert.Null((await ReadMeta(Id("k"))).Metadata!.TimeExpires);
        Assert.Equal(EntryKind.Inline, (await Read(Id("k"), now: DateTimeOffset.MaxValue)).Kind);
    }

    private Task<ExpiryOutcome> Extend(ObjectId id, ObjectId? expected, ExpiryExtension extension, DateTimeOffset? now = null) =>
        Store.ExtendExpiryAsync(id, expected, extension, now ?? Now, CancellationToken.None);

    [Fact]
    public async Task Extending_a_ttl_object_moves_its_deadline_rederives_its_ttl_and_keeps_everything_else()
    {
        await Put(Id("k"), Bytes("payload"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(1))));
        var before = (await ReadMeta(Id("k"))).Metadata!;

        Assert.Equal(ExpiryOutcome.Extended, await Extend(Id("k"), null, ExpiryExtension.ToDeadline(Now + TimeSpan.FromDays(30))));

        var entry = await Read(Id("k"));
        Assert.Equal(Now + TimeSpan.FromDays(30), entry.Metadata!.TimeExpires);
        Assert.Equal(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(30)), entry.Metadata.Expiration);
        Assert.Equal("payload", Encoding.UTF8.GetString(entry.Payload.Span));
        Assert.Equal((before.ContentType, before.Compression, before.Origin, before.Filename, before.TimeCreated),
            (entry.Metadata.ContentType, entry.Metadata.Compression, entry.Metadata.Origin, entry.Metadata.Filename, entry.Metadata.TimeCreated));
        Assert.Equal(before.Custom, entry.Metadata.Custom);
        Assert.Equal(EntryKind.Inline, (await Read(Id("k"), now: Now + TimeSpan.FromDays(29))).Kind);
    }

    [Fact]
    public async Task Extending_a_tti_tombstone_keeps_its_tti_and_its_target()
    {
        var tti = ExpirationPolicy.TimeToIdle(TimeSpan.FromHours(1));
        await SeedTombstone(Id("k"), Tomb(Rev(Id("k"), 1), tti));

        Assert.Equal(ExpiryOutcome.Extended, await Extend(Id("k"), Rev(Id("k"), 1), ExpiryExtension.FromCreation(TimeSpan.FromDays(2))));

        var entry = await ReadMeta(Id("k"));
        Assert.Equal(Now + TimeSpan.FromDays(2), entry.Metadata!.TimeExpires);
        Assert.Equal(tti, entry.Metadata.Expiration);
        Assert.Equal(Rev(Id("k"), 1), entry.Tombstone!.Target);
        Assert.Equal(5_000_000, entry.Metadata.Size);
    }

    [Fact]
    public async Task Extending_never_shortens_and_reports_an_earlier_target_as_satisfied()
    {
        await Put(Id("k"), Bytes("x"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(10))));
        Assert.Equal(ExpiryOutcome.AlreadySatisfied, await Extend(Id("k"), null, ExpiryExtension.ToDeadline(Now + TimeSpan.FromDays(1))));
        Assert.Equal(ExpiryOutcome.AlreadySatisfied, await Extend(Id("k"), null, ExpiryExtension.FromCreation(TimeSpan.FromDays(10))));
        var entry = await ReadMeta(Id("k"));
        Assert.Equal(Now + TimeSpan.FromDays(10), entry.Metadata!.TimeExpires);
        Assert.Equal(ExpirationPolicy.TimeToLive(TimeSpan.FromDays(10)), entry.Metadata.Expiration);
    }

    [Fact]
    public async Task Extending_an_absent_expired_manual_or_other_row_changes_nothing()
    {
        var later = ExpiryExtension.ToDeadline(Now + TimeSpan.FromDays(1));
        Assert.Equal(ExpiryOutcome.NotFound, await Extend(Id("absent"), null, later));
        await Put(Id("old"), Bytes("x"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(1)), Now - TimeSpan.FromHours(1)));
        Assert.Equal(ExpiryOutcome.NotFound, await Extend(Id("old"), null, later));
        await Put(Id("manual"), Bytes("x"));
        Assert.Equal(ExpiryOutcome.NotExpiring, await Extend(Id("manual"), null, later));
        await SeedTombstone(Id("large"), Tomb(Rev(Id("large"), 1), ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1))));
        Assert.Equal(ExpiryOutcome.Conflict, await Extend(Id("large"), null, later));
        Assert.Equal(ExpiryOutcome.Conflict, await Extend(Id("large"), Rev(Id("large"), 2), later));

        Assert.Equal(EntryKind.NotFound, (await ReadMeta(Id("absent"))).Kind);
        Assert.Equal(EntryKind.NotFound, (await ReadMeta(Id("old"))).Kind);
        Assert.Null((await ReadMeta(Id("manual"))).Metadata!.TimeExpires);
        Assert.Equal(Now + TimeSpan.FromHours(1), (await ReadMeta(Id("large"))).Metadata!.TimeExpires);
    }

    [Fact]
    public async Task Extending_beyond_the_kinds_limit_from_now_changes_nothing()
    {
        await Put(Id("k"), Bytes("x"), Meta(ExpirationPolicy.TimeToLive(TimeSpan.FromHours(1))));
        var at = Now + TimeSpan.FromHours(2);
        Assert.Equal(ExpiryOutcome.BeyondLimit, await Extend(Id("k"), null, ExpiryExtension.ToDeadline(Now + TimeSpan.FromDays(2), ttlMax: TimeSpan.FromDays(1))));
        // The limit counts from the decision's now, not from creation; a TTI limit does not bind a TTL object.
        Assert.Equal(ExpiryOutcome.Extended, await Extend(Id("k"), null, ExpiryExtension.ToDeadline(at, ttlMax: TimeSpan.FromHours(1)), now: Now + TimeSpan.FromHours(1)));
        Assert.Equal(ExpiryOutcome.AlreadySatisfied, await Extend(Id("k"), null, ExpiryExtension.ToDeadline(at, ttiMax: TimeSpan.Zero)));
        Assert.Equal(at, (await ReadMeta(Id("k"))).Metadata!.TimeExpires);
    }

    [Fact]
    public async Task List_expired_returns_only_expired_rows_oldest_first_up_to_the_limit()
    {
        var ttl = ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(10));
        await Put(Id("expired-2"), Bytes("x"), Meta(ttl, Now - TimeSpan.FromHours(2)));
        await SeedTombstone(Id("expired-3"), Tomb(Rev(Id("expired-3"), 1), ttl, Now - TimeSpan.FromHours(1)));
        await Put(Id("expired-1"), Bytes("x"), Meta(ttl, Now - TimeSpan.FromHours(3)));
        await Put(Id("live"), Bytes("x"), Meta(ttl, Now));
        await Put(Id("manual"), Bytes("x"));
        await Put(Id("at-deadline"), Bytes("x"), Meta(ttl, Now - TimeSpan.FromMinutes(10)));

        var all = await Store.ListExpiredAsync(Now, 100, CancellationToken.None);
        Assert.Equal(["expired-1", "expired-2", "expired-3"], all.Select(r => r.Id.Key));
        Assert.Equal(Now - TimeSpan.FromHours(3) + TimeSpan.FromMinutes(10), all[0].TimeExpires);
        Assert.Null(all[0].Target);
        Assert.Equal(Rev(Id("expired-3"), 1), all[2].Target);
        Assert.Equal(Id("expired-2"), all[1].Id);

        var two = await Store.ListExpiredAsync(Now, 2, CancellationToken.None);
        Assert.Equal(["expired-1", "expired-2"], two.Select(r => r.Id.Key));
    }

    [Fact]
    public async Task Delete_if_expired_removes_only_rows_still_expired_and_matching()
    {
        var ttl = ExpirationPolicy.TimeToLive(TimeSpan.FromMinutes(10));
        var past = Now - TimeSpan.FromHours(1);
        await Put(Id("inline"), Bytes("x"), Meta(ttl, past));
        await SeedTombstone(Id("tomb"), Tomb(Rev(Id("tomb"), 1), ttl, past));
        await Put(Id("live"), Bytes("x"), Meta(ttl, Now));

        Assert.False(await Store.DeleteIfExpiredAsync(Id("live"), null, Now, CancellationToken.None));
        Assert.Equal(EntryKind.Inline, (await Read(Id("live"))).Kind);
        Assert.False(await Store.DeleteIfExpiredAsync(Id("tomb"), Rev(Id("tomb"), 2), Now, CancellationToken.None));
        Assert.False(await Store.DeleteIfExpiredAsync(Id("tomb"), null, Now, CancellationToken.None));
        Assert.False(await Store.DeleteIfExpiredAsync(Id("inline"), Rev(Id("inline"), 1), Now, CancellationToken.None));
        Assert.Equal(2, (await Store.ListExpiredAsync(Now, 10, CancellationToken.None)).Count);

        Assert.True(await Store.DeleteIfExpiredAsync(Id("tomb"), Rev(Id("tomb"), 1), Now, CancellationToken.None));
        Assert.True(await Store.DeleteIfExpiredAsync(Id("inline"), null, Now, CancellationToken.None));
        Assert.True(await Store.DeleteIfExpiredAsync(Id("inline"), null, Now, CancellationToken.None));
        Assert.Empty(await Store.ListExpiredAsync(Now, 10, CancellationToken.None));
        // Physically gone: not even a read far in the past sees them.
        Assert.Equal(EntryKind.NotFound, (await Read(Id("inline"), now: past)).Kind);
        Assert.Equal(EntryKind.NotFound, (await Read(Id("tomb"), now: past)).Kind);
    }

    [Fact]
    public async Task Delete_if_expired_keeps_a_row_bumped_since_it_was_listed()
    {
        var tti = ExpirationPolicy.TimeToIdle(TimeSpan.FromMinutes(10));
        await Put(Id("k"), Bytes("x"), Meta(tti, Now - TimeSpan.FromMinutes(20)));
        Assert.Single(await Store.ListExpiredAsync(Now, 10, CancellationToken.None));
        // Someone read it just before it expired (at -15 min) and bumped it to +5 min.
        Assert.True(await Store.BumpExpiryAsync(Id("k"), null, Now + TimeSpan.FromMinutes(5), Now - TimeSpan.FromMinutes(15), CancellationToken.None));
        Assert.False(await Store.DeleteIfExpiredAsync(Id("k"), null, Now, CancellationToken.None));
        await AssertInline(Id("k"), "x");
    }

    [Fact]
    public async Task Concurrent_compare_and_write_on_one_key_has_exactly_one_winner_per_round()
    {
        const int rounds = 8, writers = 8;
        ObjectId? current = null;
        for (var round = 0; round < rounds; round++)
        {
            var expected = current;
            var targets = Enumerable.Range(0, writers).Select(w => Rev(Id("contended"), round * writers + w)).ToArray();
            var results = await Task.WhenAll(targets.Select(target => Task.Run(() =>
                Cas(Id("contended"), expected, new TieredWrite.WriteTombstone(Tomb(target))))));
            Assert.Single(results, r => r);
            var winner = targets[Array.IndexOf(results, true)];
            await AssertTombstone(Id("contended"), winner);
            current = winner;
        }
    }

    [Fact]
    public async Task Concurrent_inline_writes_and_tombstone_swaps_never_lose_the_tombstone()
    {
        // A tombstone swap races many inline writes: inline writes may land before it, never after it.
        await Put(Id("k"), Bytes("start"));
        var swap = Task.Run(() => Cas(Id("k"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 1)))));
        var puts = Enumerable.Range(0, 16).Select(i => Task.Run(() => Put(Id("k"), Bytes($"w{i}")))).ToArray();
        Assert.True(await swap);
        await Task.WhenAll(puts);
        await AssertTombstone(Id("k"), Rev(Id("k"), 1));
    }

    [Fact]
    public async Task Many_concurrent_writers_on_distinct_keys_all_land()
    {
        var ids = Enumerable.Range(0, 64).Select(i => Id($"parallel-{i}")).ToArray();
        await Task.WhenAll(ids.Select(id => Task.Run(() => Put(id, Bytes(id.Key)))));
        foreach (var id in ids) await AssertInline(id, id.Key);
    }

    [Fact]
    public async Task Cancelled_operations_throw_and_change_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Store.PutInlineUnlessTombstoneAsync(Id("k"), Meta(), Bytes("x"), Now, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Store.CompareAndWriteAsync(Id("k"), null, new TieredWrite.WriteTombstone(Tomb(Rev(Id("k"), 1))), Now, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.ReadAsync(Id("k"), null, Now, cancelled.Token));
        Assert.Equal(EntryKind.NotFound, (await Read(Id("k"))).Kind);
    }
}
