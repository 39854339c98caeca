using System.Diagnostics.Metrics;

namespace ObjectStore.Grains;

/// <summary>The grains' instruments on the meter "ObjectStore.Grains" (OpenTelemetry-style names).</summary>
internal static class GrainMetrics
{
    public const string MeterName = "ObjectStore.Grains";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Object grain reads answered from the cached HV row.</summary>
    public static readonly Counter<long> CacheHits = s_meter.CreateCounter<long>("objectstore.grains.cache.hits", "{read}", "Object reads served from the activation's cached row");

    /// <summary>Object grain reads that went to HV.</summary>
    public static readonly Counter<long> CacheMisses = s_meter.CreateCounter<long>("objectstore.grains.cache.misses", "{read}", "Object reads that read HV");

    private static long s_hits;
    private static long s_reads;

    /// <summary>Share of object reads this process answered from the cache, since start (objectstore.grains.cache.hit_ratio).</summary>
    public static readonly ObservableGauge<double> CacheHitRatio = s_meter.CreateObservableGauge("objectstore.grains.cache.hit_ratio",
        () => Interlocked.Read(ref s_reads) is var reads and > 0 ? (double)Interlocked.Read(ref s_hits) / reads : 0d, "1", "Share of object reads served from the cache since start");

    /// <summary>Counts one object read for the hit ratio.</summary>
    public static void CacheRead(bool hit)
    {
        Interlocked.Increment(ref s_reads);
        if (hit) Interlocked.Increment(ref s_hits);
    }

    /// <summary>Cached rows evicted by the per-silo byte budget.</summary>
    public static readonly Counter<long> CacheEvictions = s_meter.CreateCounter<long>("objectstore.grains.cache.evictions", "{entry}", "Cached rows evicted by the byte budget");

    /// <summary>Object activations asked to leave because the silo's activation budget was full.</summary>
    public static readonly Counter<long> ActivationsShed = s_meter.CreateCounter<long>("objectstore.grains.object.activations_shed", "{activation}", "Object activations shed by the per-silo activation budget");

    /// <summary>Writes whose HV compare-and-swap found another writer's state (another silo wrote the key).</summary>
    public static readonly Counter<long> CasConflicts = s_meter.CreateCounter<long>("objectstore.grains.object.cas_conflicts", "{write}", "Tombstone CAS conflicts seen by object grains");

    /// <summary>Large writes the grain superseded at commit because the key changed since they began.</summary>
    public static readonly Counter<long> Superseded = s_meter.CreateCounter<long>("objectstore.grains.object.superseded", "{write}", "Large writes superseded in the grain's turn");

    /// <summary>Large writes abandoned by timeout or deactivation before a commit.</summary>
    public static readonly Counter<long> AbandonedWrites = s_meter.CreateCounter<long>("objectstore.grains.object.abandoned_writes", "{write}", "Large writes abandoned without a commit");

    /// <summary>Change-log entries recovered by the change-log grain.</summary>
    public static readonly Counter<long> RecoveredEntries = s_meter.CreateCounter<long>("objectstore.grains.recovery.entries", "{entry}", "Change-log entries recovered");

    /// <summary>LT deletes issued by recovery.</summary>
    public static readonly Counter<long> RecoveryBlobDeletes = s_meter.CreateCounter<long>("objectstore.grains.recovery.blob_deletes", "{blob}", "LT deletes issued by recovery");

    /// <summary>Change-log entries whose recovery failed (retried by a later run).</summary>
    public static readonly Counter<long> RecoveryFailures = s_meter.CreateCounter<long>("objectstore.grains.recovery.failures", "{entry}", "Change-log entries whose recovery failed");

    /// <summary>Expired objects physically deleted, tagged tier=hv (inline) or tier=lt (tombstones whose blobs go through the change log).</summary>
    public static readonly Counter<long> ExpiredPurged = s_meter.CreateCounter<long>("objectstore.grains.expiry.purged", "{object}", "Expired objects physically deleted");

    /// <summary>Expired rows skipped because they changed since listed.</summary>
    public static readonly Counter<long> ExpirySkipped = s_meter.CreateCounter<long>("objectstore.grains.expiry.skipped", "{object}", "Expired rows left alone because they changed");

    /// <summary>LT blobs listed by orphan sweeps.</summary>
    public static readonly Counter<long> SweepListed = s_meter.CreateCounter<long>("objectstore.grains.sweep.listed", "{blob}", "LT blobs listed by the orphan sweep");

    /// <summary>Unreferenced LT blobs the orphan sweep deleted (each one a leak found).</summary>
    public static readonly Counter<long> SweepDeleted = s_meter.CreateCounter<long>("objectstore.grains.sweep.orphans_deleted", "{blob}", "Orphaned LT blobs deleted by the orphan sweep");

    /// <summary>Blobs the orphan sweep could not judge or delete (retried by the next sweep).</summary>
    public static readonly Counter<long> SweepFailures = s_meter.CreateCounter<long>("objectstore.grains.sweep.failures", "{blob}", "LT blobs the orphan sweep could not judge or delete");

    /// <summary>Duration of orphan sweeps.</summary>
    public static readonly Histogram<double> SweepDuration = s_meter.CreateHistogram<double>("objectstore.grains.sweep.duration", "ms", "Duration of one orphan sweep");
}
