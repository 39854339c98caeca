using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Grains.Providers;

/// <summary>
/// Orleans' reminder table on the HV SQLite file (<see cref="SqliteReminderRows"/>), for the embedded
/// single-silo default where nothing but that file is installed. Rows are scoped by the cluster's ServiceId.
/// </summary>
/// <remarks>
/// Grain ids are stored as <see cref="GrainId.ToString"/> text and parsed back; the ring position is
/// <see cref="GrainId.GetUniformHashCode"/>, the same hash the reminder service partitions by.
/// The overloads without a token exist only for the interface's older shape; they cannot be cancelled.
/// </remarks>
public sealed class SqliteReminderTable : IReminderTable
{
    private readonly SqliteClusterState _state;
    private readonly string _serviceId;

    /// <summary>Uses <paramref name="state"/>'s reminder rows for the service in <paramref name="clusterOptions"/>.</summary>
    public SqliteReminderTable(SqliteClusterState state, IOptions<ClusterOptions> clusterOptions)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _state = state;
        _serviceId = clusterOptions.Value.ServiceId;
    }

    private SqliteReminderRows Rows => _state.Reminders;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => _state.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        ToData(await Rows.ReadGrainAsync(_serviceId, grainId.ToString(), cancellationToken));

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        ToData(await Rows.ReadRangeAsync(_serviceId, begin, end, cancellationToken));

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        await Rows.ReadAsync(_serviceId, grainId.ToString(), reminderName, cancellationToken) is { } row ? ToEntry(row) : null;

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // The reminder service hands out UTC times; an unspecified kind is taken as UTC (as Orleans' ADO.NET table does).
        var startAt = entry.StartAt.Kind switch
        {
            DateTimeKind.Local => new DateTimeOffset(entry.StartAt.ToUniversalTime()),
            _ => new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)),
        };
        return await Rows.UpsertAsync(_serviceId, entry.GrainId.ToString(), entry.GrainId.GetUniformHashCode(), entry.ReminderName,
            startAt, entry.Period, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        Rows.DeleteAsync(_serviceId, grainId.ToString(), reminderName, eTag, cancellationToken);

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <inheritdoc />
    public Task TestOnlyClearTable(CancellationToken cancellationToken) => Rows.DeleteServiceAsync(_serviceId, cancellationToken);

    private static ReminderTableData ToData(IReadOnlyList<ReminderRow> rows) => new(rows.Select(ToEntry));

    private static ReminderEntry ToEntry(ReminderRow row) => new()
    {
        GrainId = GrainId.Parse(row.GrainId),
        ReminderName = row.Name,
        StartAt = row.StartAt.UtcDateTime,
        Period = row.Period,
        ETag = row.Version,
    };
}
