using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tests.Faults;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

/// <summary>The real stores one scenario run uses; <see cref="Resources"/> (if any) is disposed after the test.</summary>
public sealed record TieredBackends(IHighVolumeStore HighVolume, ILongTermStore LongTerm, IChangeLog ChangeLog, IAsyncDisposable? Resources = null);

/// <summary>
/// The tiered protocol's scenario suite: every test drives <see cref="TieredStorage"/> over fault-injecting
/// wrappers and asserts the end state of both tiers (the HV row and the LT blobs under the key) and of the
/// change log. Backends come from one factory, <see cref="CreateBackendsAsync"/>: subclass it to run the whole
/// suite against SQLite + filesystem or PostgreSQL + S3 (each test needs fresh stores, a fresh database at least).
/// </summary>
public abstract partial class TieredScenarios : IAsyncLifetime
{
    protected const string Owner = "scenario-owner";
    protected const int Threshold = TieredStorageOptions.DefaultInlineThreshold;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private TieredBackends _backends = null!;

    // Starts at the wall clock (whole seconds, as stored timestamps round): the filesystem and S3 stamp blobs with it, and the
    // orphan sweep compares those stamps to this clock.
    protected ManualTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    protected FaultyHighVolumeStore Hv { get; private set; } = null!;
    protected FaultyLongTermStore Lt { get; private set; } = null!;
    protected IChangeLog Log { get; private set; } = null!;
    protected BackgroundJobLoop Jobs { get; private set; } = null!;
    protected TieredStorage Storage { get; private set; } = null!;
    protected ObjectId Id { get; } = new("tiered", Scopes.Create(new Scope("org", "42")), "obj-" + Guid.NewGuid().ToString("N"));
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>
    /// Creates fresh, uninitialized stores for one test; <paramref name="time"/> is the scenario clock. They must not
    /// share a change log with another test: recovery claims every dead owner's entry and its counts are asserted.
    /// </summary>
    protected abstract Task<TieredBackends> CreateBackendsAsync(TimeProvider time);

    public async Task InitializeAsync()
    {
        _backends = await CreateBackendsAsync(Clock);
        await _backends.HighVolume.InitializeAsync(Ct);
        await _backends.LongTerm.InitializeAsync(Ct);
        await _backends.ChangeLog.InitializeAsync(Ct);
        Hv = new FaultyHighVolumeStore(_backends.HighVolume);
        Lt = new FaultyLongTermStore(_backends.LongTerm);
        Log = _backends.ChangeLog;
        Jobs = new BackgroundJobLoop(new BackgroundJobOptions { InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(10) });
        Storage = new TieredStorage(Hv, Lt, Log, Jobs, new TieredStorageOptions { Owner = Owner }, Clock);
    }

    public async Task DisposeAsync()
    {
        Jobs.ForceStop();
        if (_backends.Resources is { } r) await r.DisposeAsync();
        _timeout.Dispose();
    }

    // ---- helpers ------------------------------------------------------------------------------------

    protected static byte[] Bytes(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    protected static byte[] Large(int seed = 1) => Bytes(Threshold + 1 + seed, seed);

    protected Task<WriteOutcome> PutAsync(byte[] data, ObjectMetadata? metadata = null) => PutAsync(Id, data, metadata);

    protected Task<WriteOutcome> PutAsync(ObjectId id, byte[] data, ObjectMetadata? metadata = null) =>
        Storage.PutAsync(id, metadata ?? new ObjectMetadata(), new MemoryStream(data), data.Length, Ct);

    protected Task<byte[]?> ReadAsync() => ReadAsync(Id);

    protected async Task<byte[]?> ReadAsync(ObjectId id)
    {
        await using var found = await Storage.GetAsync(id, null, Ct);
        if (found is null) return null;
        var copy = new MemoryStream();
        await found.Content.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    protected async Task<HighVolumeEntry> RowAsync() => await Hv.Inner.ReadMetadataAsync(Id, Clock.GetUtcNow(), Ct);

    protected async Task<List<string>> BlobsAsync()
    {
        var paths = new List<string>();
        await foreach (var blob in Lt.Inner.ListAsync(Id.StoragePath + "/", Ct)) paths.Add(blob.StoragePath);
        return paths;
    }

    protected async Task<List<ChangeEntry>> EntriesAsync()
    {
        var entries = new List<ChangeEntry>();
        await foreach (var e in Log.ListAsync(Ct))
            if (e.Object == Id) entries.Add(e);
        return entries;
    }

    protected Task SettleAsync() => Storage.JoinAsync(Ct);

    /// <summary>
    /// After cleanup: the object reads as <paramref name="expected"/> (null = absent); HV holds it inline when small,
    /// a tombstone when large; LT holds exactly the tombstone's blob (or nothing); no change entry is left.
    /// </summary>
    protected async Task AssertSettledAsync(byte[]? expected)
    {
        await SettleAsync();
        var row = await RowAsync();
        var blobs = await BlobsAsync();
        if (expected is null)
        {
            Assert.Equal(EntryKind.NotFound, row.Kind);
            Assert.Empty(blobs);
        }
        else if (expected.Length <= Threshold)
        {
            Assert.Equal(EntryKind.Inline, row.Kind);
            Assert.Empty(blobs);
        }
        else
        {
            Assert.Equal(EntryKind.Tombstone, row.Kind);
            Assert.Equal([row.Tombstone!.Target.StoragePath], blobs);
            Assert.Equal(expected.Length, row.Metadata!.Size);
        }
        Assert.Equal(expected, await ReadAsync());
        Assert.Empty(await EntriesAsync());
    }

    protected async Task<ObjectId> TargetAsync() => (await RowAsync()).Tombstone?.Target ?? throw new Xunit.Sdk.XunitException("expected a tombstone");
}

/// <summary>The scenario suite over the in-memory stores.</summary>
public sealed class InMemoryTieredScenarios : TieredScenarios
{
    protected override Task<TieredBackends> CreateBackendsAsync(TimeProvider time) =>
        Task.FromResult(new TieredBackends(new InMemoryHighVolumeStore(), new InMemoryLongTermStore(time), new InMemoryChangeLog()));
}
