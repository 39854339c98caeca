using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.HighVolume;

/// <summary>The TTI bump of a read, as an <see cref="IHighVolumeStore.ExtendExpiryAsync"/> to the new deadline.</summary>
public static class ExpiryBump
{
    /// <summary>
    /// Sets the deadline to <paramref name="newExpiry"/> if the row is live, matches <paramref name="expectedTarget"/>
    /// and its deadline is earlier. True when applied or nothing was needed (already later, or a manual row); false
    /// when the row is absent, expired or not the expected one.
    /// </summary>
    public static async Task<bool> BumpExpiryAsync(this IHighVolumeStore store, ObjectId id, ObjectId? expectedTarget, DateTimeOffset newExpiry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var outcome = await store.ExtendExpiryAsync(id, expectedTarget, ExpiryExtension.ToDeadline(newExpiry), now, cancellationToken).ConfigureAwait(false);
        return outcome is not (ExpiryOutcome.NotFound or ExpiryOutcome.Conflict);
    }
}
