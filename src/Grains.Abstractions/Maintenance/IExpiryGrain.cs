using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Expiry;

/// <summary>The cluster's single expiry grain (key <see cref="Key"/>): on each reminder tick it physically deletes expired objects in bounded batches.</summary>
[Alias("objectstore.IExpiryGrain")]
public interface IExpiryGrain : IPeriodicGrain
{
    /// <summary>The one key of this grain.</summary>
    const string Key = "expiry";

    /// <summary>Purges now (as a tick would) and returns what it did.</summary>
    [Alias("PurgeNow")]
    Task<ExpiryRun> PurgeNow(CancellationToken cancellationToken = default);
}

/// <summary>What one expiry run did.</summary>
[GenerateSerializer, Alias("objectstore.ExpiryRun")]
public sealed record ExpiryRun
{
    /// <summary>Batches run.</summary>
    [Id(0)] public int Batches { get; set; }

    /// <summary>Expired inline rows deleted from HV.</summary>
    [Id(1)] public int InlineDeleted { get; set; }

    /// <summary>Expired tombstones deleted; each one's LT blob is deleted through the change log.</summary>
    [Id(2)] public int TombstonesDeleted { get; set; }

    /// <summary>Rows that changed since listed (rewritten or bumped) and were left alone.</summary>
    [Id(3)] public int Skipped { get; set; }
}
