using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Expiry;

/// <summary>Tunables of the expiry grain (reminder period 1 min, 100 rows per batch, 100 batches per run).</summary>
public sealed class ExpiryGrainOptions : PeriodicOptions;
