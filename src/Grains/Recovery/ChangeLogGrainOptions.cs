using ObjectStore.Grains.Periodic;

namespace ObjectStore.Grains.Recovery;

/// <summary>Tunables of the change-log grain (reminder period 1 min, 100 entries per batch, 100 batches per run).</summary>
public sealed class ChangeLogGrainOptions : PeriodicOptions;
