using ObjectStore.Grains.Expiry;
using ObjectStore.Grains.Objects;
using ObjectStore.Grains.Periodic;
using ObjectStore.Grains.Recovery;
using ObjectStore.Grains.Sweep;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Grains.Hosting;

/// <summary>Wires this package's grains into a silo, and starts their reminders once the silo runs.</summary>
public static class ObjectStoreGrains
{
    /// <summary>The grain interfaces of this package (register them on cluster clients that call these grains).</summary>
    public static IReadOnlyList<GrainInterface> Interfaces { get; } =
        [ObjectGrainInterface.Instance, ChangeLogGrainInterface.Instance, ExpiryGrainInterface.Instance, OrphanSweepGrainInterface.Instance];

    /// <summary>
    /// Registers the object, change-log, expiry and orphan sweep grains with factories over the silo's shared
    /// <paramref name="services"/>. The tiered storage's owner must be the silo id: recovery on other silos takes this
    /// silo's change entries once it leaves the membership view.
    /// </summary>
    public static SiloBuilder AddObjectStoreGrains(this SiloBuilder siloBuilder, ObjectStoreGrainServices services)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        ArgumentNullException.ThrowIfNull(services);
        services.Validate();
        if (services.Storage.Owner != siloBuilder.Options.SiloId)
            throw new ArgumentException($"the tiered storage's owner '{services.Storage.Owner}' must be the silo id '{siloBuilder.Options.SiloId}', so recovery can tell whose change entries are orphaned", nameof(services));
        return siloBuilder
            .AddGrain<IObjectGrain, ObjectGrain>(ObjectGrainInterface.Instance, () => new ObjectGrain(services))
            .AddGrain<IChangeLogGrain, ChangeLogGrain>(ChangeLogGrainInterface.Instance, () => new ChangeLogGrain(services))
            .AddGrain<IExpiryGrain, ExpiryGrain>(ExpiryGrainInterface.Instance, () => new ExpiryGrain(services))
            .AddGrain<IOrphanSweepGrain, OrphanSweepGrain>(OrphanSweepGrainInterface.Instance, () => new OrphanSweepGrain(services));
    }

    /// <summary>The object grain of <paramref name="id"/>.</summary>
    public static IObjectGrain GetObjectGrain(this IGrainFactory factory, Storage.Objects.ObjectId id) =>
        factory.GetGrain<IObjectGrain>(ObjectGrainKey.Format(id));

    /// <summary>
    /// The start-up step after <c>Silo.StartAsync</c>: makes sure the change-log, expiry and orphan sweep reminders exist
    /// (idempotent; every silo may run it; a disabled sweep removes its reminder). The reminders then wake the single grains wherever placement puts them.
    /// </summary>
    public static async Task StartMaintenanceAsync(IGrainFactory factory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await factory.GetGrain<IChangeLogGrain>(IChangeLogGrain.Key).EnsureReminder(cancellationToken);
        await factory.GetGrain<IExpiryGrain>(IExpiryGrain.Key).EnsureReminder(cancellationToken);
        await factory.GetGrain<IOrphanSweepGrain>(IOrphanSweepGrain.Key).EnsureReminder(cancellationToken);
    }
}
