using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Grains.Caching;
using ObjectStore.Grains.Expiry;
using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Recovery;
using ObjectStore.Grains.Sweep;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Hosting;

/// <summary>
/// The per-silo services every grain activation of this package shares (a singleton in the silo's container): the
/// silo's tiered storage (whose <see cref="TieredStorage.Owner"/> must be the silo's name, so recovery knows whose
/// entries are orphaned), its HV store (the grains read rows directly to cache them), its LT store (the batch gateway
/// writes large inserts there), the cache budget, the backend permits and the batch executor.
/// <see cref="TimeProvider"/> must be the one the tiered storage was built with.
/// </summary>
public sealed class ObjectStoreGrainServices
{
    private readonly Lazy<ObjectCache> _cache;
    private readonly Lazy<ActivationBudget> _activations;

    /// <summary>Creates the services; <see cref="Cache"/> and <see cref="Activations"/> are built on first use from <see cref="Objects"/>.</summary>
    public ObjectStoreGrainServices()
    {
        _cache = new Lazy<ObjectCache>(() => new ObjectCache(Objects.CacheBudgetBytes));
        _activations = new Lazy<ActivationBudget>(() => new ActivationBudget(Objects.MaxActivations));
    }

    /// <summary>The silo's tiered storage (Owner = silo id).</summary>
    public required TieredStorage Storage { get; init; }

    /// <summary>The HV store the tiered storage writes to.</summary>
    public required IHighVolumeStore HighVolume { get; init; }

    /// <summary>The LT store the tiered storage writes to.</summary>
    public required ILongTermStore LongTerm { get; init; }

    /// <summary>The executor of batches on this silo (default: one over an unlimited-by-default service limiter).</summary>
    public BatchExecutor? Batches { get; init; }

    /// <summary>Backend permits (default: unlimited).</summary>
    public IBackendPermits Permits { get; init; } = UnlimitedPermits.Instance;

    /// <summary>The clock of the tiered storage.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the grains log.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Object grain tunables.</summary>
    public ObjectGrainOptions Objects { get; init; } = new();

    /// <summary>Change-log grain tunables.</summary>
    public ChangeLogGrainOptions Recovery { get; init; } = new();

    /// <summary>Expiry grain tunables.</summary>
    public ExpiryGrainOptions Expiry { get; init; } = new();

    /// <summary>Orphan sweep grain tunables.</summary>
    public OrphanSweepGrainOptions Sweep { get; init; } = new();

    /// <summary>The per-silo cache of HV rows.</summary>
    public ObjectCache Cache => _cache.Value;

    /// <summary>The per-silo bound on live object activations.</summary>
    public ActivationBudget Activations => _activations.Value;

    /// <summary>Per-silo counters (the same events as the meter's instruments, readable without a listener).</summary>
    public ObjectGrainStats Stats { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Objects.Validate();
        Recovery.Validate();
        Expiry.Validate();
        Sweep.Validate();
    }
}

/// <summary>Per-silo counters of the object grains.</summary>
public sealed class ObjectGrainStats
{
    private long _casConflicts;
    private long _superseded;
    private long _cacheHits;
    private long _cacheMisses;
    private long _abandonedWrites;

    /// <summary>Writes whose HV CAS found another writer's state.</summary>
    public long CasConflicts => Interlocked.Read(ref _casConflicts);

    /// <summary>Large writes superseded in the grain's turn (the key changed since they began).</summary>
    public long Superseded => Interlocked.Read(ref _superseded);

    /// <summary>Reads served from a cached row.</summary>
    public long CacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Reads that went to HV.</summary>
    public long CacheMisses => Interlocked.Read(ref _cacheMisses);

    /// <summary>Large writes abandoned without a commit (timeout or deactivation).</summary>
    public long AbandonedWrites => Interlocked.Read(ref _abandonedWrites);

    internal void CasConflict() => Count(ref _casConflicts, GrainMetrics.CasConflicts);

    internal void Supersede() => Count(ref _superseded, GrainMetrics.Superseded);

    internal void Hit()
    {
        Count(ref _cacheHits, GrainMetrics.CacheHits);
        GrainMetrics.CacheRead(hit: true);
    }

    internal void Miss()
    {
        Count(ref _cacheMisses, GrainMetrics.CacheMisses);
        GrainMetrics.CacheRead(hit: false);
    }

    internal void Abandon() => Count(ref _abandonedWrites, GrainMetrics.AbandonedWrites);

    private static void Count(ref long counter, System.Diagnostics.Metrics.Counter<long> instrument)
    {
        Interlocked.Increment(ref counter);
        instrument.Add(1);
    }
}
