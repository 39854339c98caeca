namespace ObjectStore.Runtime.Grains;

/// <summary>Marker for grain interfaces (Orleans' <c>IGrain</c>).</summary>
public interface IGrain;

/// <summary>A grain interface addressed by a string key (Orleans' <c>IGrainWithStringKey</c>).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Creates grain references; creating one does no I/O (Orleans' <c>IGrainFactory</c>).</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of interface <typeparamref name="TGrainInterface"/> with <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}

/// <summary>Implemented by grains that receive durable reminders (Orleans' <c>IRemindable</c>).</summary>
public interface IRemindable
{
    /// <summary>One tick of the reminder <paramref name="reminderName"/>, delivered as an ordinary grain call.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>The schedule of a delivered reminder tick.</summary>
public readonly record struct TickStatus(DateTimeOffset CurrentTickTime, TimeSpan Period);
