using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Reminders;

namespace ObjectStore.Runtime.Hosting;

/// <summary>A registered grain type: its interface description, factory and per-type behaviour.</summary>
internal sealed class GrainTypeInfo(
    GrainInterface grainInterface,
    Func<Grain> factory,
    int maxLocalWorkers,
    TimeSpan collectionAge,
    int mailboxCapacity)
{
    public string Name => Interface.GrainType;

    public GrainInterface Interface { get; } = grainInterface;

    public Func<Grain> Factory { get; } = factory;

    /// <summary>0 for ordinary grains; the pool cap for stateless workers.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers;

    public bool IsStatelessWorker => MaxLocalWorkers > 0;

    public long CollectionAgeMs { get; } = (long)collectionAge.TotalMilliseconds;

    public int MailboxCapacity { get; } = mailboxCapacity;

    public KeyValuePair<string, object?> MetricTag { get; } = new("grain.type", grainInterface.GrainType);

    /// <summary>The request for <paramref name="methodId"/> (reminder ticks included), or null.</summary>
    public GrainRequest? CreateRequest(ushort methodId) =>
        methodId == ReminderRequest.Id ? new ReminderRequest() : Interface.CreateRequest(methodId);
}
