using ObjectStore.Runtime.Reminders;

namespace ObjectStore.Runtime.Tests.Reminders;

public sealed class InMemoryReminderTableTests : ReminderTableContract
{
    protected override async Task<IReminderTable> CreateEmptyTableAsync()
    {
        var table = new InMemoryReminderTable();
        await table.InitializeAsync(CancellationToken.None);
        return table;
    }
}
