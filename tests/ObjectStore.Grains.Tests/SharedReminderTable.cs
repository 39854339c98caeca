namespace ObjectStore.Grains.Tests;

/// <summary>
/// An in-memory reminder table one test cluster's silos share, as Orleans' in-memory table behaves (fresh etag per
/// upsert, removal by etag, ring ranges by <see cref="GrainId.GetUniformHashCode"/>) but held by the test, so a
/// killed silo takes no reminder with it.
/// </summary>
public sealed class SharedReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];

    public Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        lock (_lock) return Task.FromResult(new ReminderTableData(_rows.Values.Where(r => r.GrainId == grainId).Select(Copy).ToList()));
    }

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        lock (_lock) return Task.FromResult(new ReminderTableData(_rows.Values.Where(r => InRange(r.GrainId.GetUniformHashCode(), begin, end)).Select(Copy).ToList()));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (_lock) return Task.FromResult(_rows.TryGetValue((grainId, reminderName), out var row) ? Copy(row) : null);
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var row = Copy(entry);
        row.ETag = Guid.NewGuid().ToString("N");
        lock (_lock) _rows[(row.GrainId, row.ReminderName)] = row;
        return Task.FromResult<string?>(row.ETag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((grainId, reminderName), out var row) || row.ETag != eTag) return Task.FromResult(false);
            _rows.Remove((grainId, reminderName));
            return Task.FromResult(true);
        }
    }

    public Task TestOnlyClearTable()
    {
        lock (_lock) _rows.Clear();
        return Task.CompletedTask;
    }

    // Orleans' ring range (begin, end]; begin == end is the whole ring.
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Copy(ReminderEntry row) => new()
    {
        GrainId = row.GrainId,
        ReminderName = row.ReminderName,
        StartAt = row.StartAt,
        Period = row.Period,
        ETag = row.ETag,
    };
}
