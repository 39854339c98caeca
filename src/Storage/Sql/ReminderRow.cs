namespace ObjectStore.Storage.Sql;

/// <summary>One stored reminder: its grain (as the runtime's id string), name, schedule and current version.</summary>
/// <param name="GrainId">The grain's id as text, exactly as upserted.</param>
/// <param name="Name">The reminder's name, unique per grain.</param>
/// <param name="StartAt">When the first tick was due (UTC).</param>
/// <param name="Period">The time between ticks.</param>
/// <param name="Version">The row's version (ETag); changes on every upsert.</param>
public sealed record ReminderRow(string GrainId, string Name, DateTimeOffset StartAt, TimeSpan Period, string Version);
