using ObjectStore.Storage.ChangeLog;

namespace ObjectStore.Storage.Tests.ChangeLog;

/// <summary>The change-log contract on the in-memory log.</summary>
public sealed class InMemoryChangeLogTests : ChangeLogContract
{
    protected override Task<IChangeLog> CreateChangeLogAsync() => Task.FromResult<IChangeLog>(new InMemoryChangeLog());
}
