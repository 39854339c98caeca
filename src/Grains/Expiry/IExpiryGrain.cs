using ObjectStore.Grains.Periodic;
using ObjectStore.Runtime.Grains;

namespace ObjectStore.Grains.Expiry;

/// <summary>The cluster's single expiry grain (key <see cref="Key"/>): on each reminder tick it physically deletes expired objects in bounded batches.</summary>
[GrainType("expiry")]
public interface IExpiryGrain : IPeriodicGrain
{
    /// <summary>The one key of this grain.</summary>
    const string Key = "expiry";

    /// <summary>Purges now (as a tick would) and returns what it did.</summary>
    Task<ExpiryRun> PurgeNow(CancellationToken cancellationToken = default);
}

/// <summary>What one expiry run did.</summary>
public sealed record ExpiryRun
{
    /// <summary>Batches run.</summary>
    public int Batches { get; set; }

    /// <summary>Expired inline rows deleted from HV.</summary>
    public int InlineDeleted { get; set; }

    /// <summary>Expired tombstones deleted; each one's LT blob is deleted through the change log.</summary>
    public int TombstonesDeleted { get; set; }

    /// <summary>Rows that changed since listed (rewritten or bumped) and were left alone.</summary>
    public int Skipped { get; set; }
}
