using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.Tests.HighVolume;

namespace ObjectStore.Storage.Tests.ChangeLog;

/// <summary>The change-log contract on a real PostgreSQL database.</summary>
public sealed class PostgresChangeLogTests(PostgresTestDatabase database) : ChangeLogContract, IClassFixture<PostgresTestDatabase>
{
    protected override async Task<IChangeLog> CreateChangeLogAsync()
    {
        var log = new PostgresChangeLog(database.DataSource);
        await log.InitializeAsync(CancellationToken.None);
        await database.TruncateAsync("change_log");
        return log;
    }
}
