namespace ObjectStore.Runtime.Reminders;

/// <summary>A durable reminder definition.</summary>
public sealed record ReminderEntry(string GrainType, string GrainKey, string Name, TimeSpan Period, DateTimeOffset NextDue);

/// <summary>
/// One claimed tick of a reminder: delivered as a grain call to (<see cref="GrainType"/>,
/// <see cref="GrainKey"/>), then acknowledged. <see cref="ClaimToken"/> identifies the claim so an
/// acknowledgement from a claimant whose claim lapsed is ignored.
/// </summary>
public sealed record ReminderTick(string GrainType, string GrainKey, string Name, DateTimeOffset DueAt, TimeSpan Period, Guid ClaimToken);
