using ObjectStore.Storage.ChangeLog;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.ChangeLog;

/// <summary>The change-log contract on a SQLite file.</summary>
public sealed class SqliteChangeLogTests : ChangeLogContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override async Task<IChangeLog> CreateChangeLogAsync()
    {
        var log = new SqliteChangeLog(_dir.File("hv.db"));
        await log.InitializeAsync(CancellationToken.None);
        return log;
    }

    public void Dispose() => _dir.Dispose();
}
