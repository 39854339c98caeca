using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Reminders;

/// <summary>A reminder tick delivered as an ordinary grain call (method id 65535, valid on every grain type).</summary>
internal sealed class ReminderRequest : VoidGrainRequest
{
    public const ushort Id = ushort.MaxValue;

    public string Name = "";
    public TickStatus Status;

    public override ushort MethodId => Id;

    public override string MethodName => "ReceiveReminder";

    public override void WriteArguments(ref GrainWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteDateTimeOffset(Status.CurrentTickTime);
        writer.WriteTimeSpan(Status.Period);
    }

    public override void ReadArguments(ref GrainReader reader)
    {
        Name = reader.ReadRequiredString();
        Status = new TickStatus(reader.ReadDateTimeOffset(), reader.ReadTimeSpan());
    }

    protected override Task Invoke(object grain, CancellationToken cancellationToken) =>
        grain is IRemindable remindable
            ? remindable.ReceiveReminder(Name, Status)
            : throw new InvalidOperationException($"Grain {grain.GetType().Name} has reminder '{Name}' but does not implement IRemindable.");
}
