namespace ObjectStore.Grains.Periodic;

/// <summary>A singleton maintenance grain woken by a durable reminder.</summary>
[Alias("objectstore.IPeriodicGrain")]
public interface IPeriodicGrain : IGrainWithStringKey
{
    /// <summary>Registers the grain's reminder with the configured period unless it exists with that period already (idempotent; an existing one keeps its next due time).</summary>
    [Alias("EnsureReminder")]
    Task EnsureReminder(CancellationToken cancellationToken = default);
}
