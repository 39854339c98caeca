using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ObjectStore.Grains.Providers;
using ObjectStore.Storage.Sql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ObjectStore.Grains.Tests.Providers;

/// <summary>A state type for the storage contract tests.</summary>
[GenerateSerializer]
public sealed class NoteState
{
    [Id(0)]
    public string Text { get; set; } = "";

    [Id(1)]
    public int Revision { get; set; }
}

/// <summary>The <see cref="IGrainStorage"/> contract on the HV SQLite file.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("note", "n1");

    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    private async Task<SqliteGrainStorage> StartStorageAsync()
    {
        var state = SqlStorage.OpenSqlite(_dir.File("hv.db")).ClusterState!;
        await state.InitializeAsync(CancellationToken.None);
        return new SqliteGrainStorage("store", state, new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
            _services.GetRequiredService<IActivatorProvider>(), Options.Create(new ClusterOptions { ServiceId = "svc", ClusterId = "c" }));
    }

    private static async Task<GrainState<NoteState>> ReadAsync(SqliteGrainStorage storage)
    {
        var state = new GrainState<NoteState>();
        await storage.ReadStateAsync("note", Grain, state);
        return state;
    }

    [Fact]
    public async Task Never_written_state_reads_as_new_without_etag()
    {
        var state = await ReadAsync(await StartStorageAsync());

        Assert.NotNull(state.State);
        Assert.Equal("", state.State!.Text);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task Written_state_reads_back_with_the_new_etag()
    {
        var storage = await StartStorageAsync();
        var state = await ReadAsync(storage);
        state.State = new NoteState { Text = "hello", Revision = 7 };
        await storage.WriteStateAsync("note", Grain, state);
        Assert.NotNull(state.ETag);
        Assert.True(state.RecordExists);

        var read = await ReadAsync(storage);
        Assert.Equal("hello", read.State!.Text);
        Assert.Equal(7, read.State!.Revision);
        Assert.Equal(state.ETag, read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Stale_write_throws_inconsistent_state_and_keeps_the_stored_state()
    {
        var storage = await StartStorageAsync();
        var first = await ReadAsync(storage);
        var second = await ReadAsync(storage);
        first.State!.Text = "first";
        await storage.WriteStateAsync("note", Grain, first);

        second.State!.Text = "second";
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", Grain, second));
        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.Null(error.CurrentEtag);
        Assert.Null(second.ETag);

        Assert.Equal("first", (await ReadAsync(storage)).State!.Text);
    }

    [Fact]
    public async Task Clear_resets_state_and_a_write_from_before_the_clear_is_stale()
    {
        var storage = await StartStorageAsync();
        var state = await ReadAsync(storage);
        state.State!.Text = "kept";
        await storage.WriteStateAsync("note", Grain, state);
        var before = await ReadAsync(storage);

        await storage.ClearStateAsync("note", Grain, state);
        Assert.False(state.RecordExists);
        Assert.Equal("", state.State!.Text);
        Assert.NotEqual(before.ETag, state.ETag);

        var cleared = await ReadAsync(storage);
        Assert.False(cleared.RecordExists);
        Assert.Equal("", cleared.State!.Text);
        Assert.Equal(state.ETag, cleared.ETag);

        before.State!.Text = "late";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", Grain, before));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("note", Grain, before));
        // The clearing activation carries on from the cleared version.
        state.State!.Text = "after";
        await storage.WriteStateAsync("note", Grain, state);
        Assert.Equal("after", (await ReadAsync(storage)).State!.Text);
    }

    [Fact]
    public async Task State_names_keep_separate_rows_for_one_grain()
    {
        var storage = await StartStorageAsync();
        var a = new GrainState<NoteState> { State = new NoteState { Text = "a" } };
        var b = new GrainState<NoteState> { State = new NoteState { Text = "b" } };
        await storage.WriteStateAsync("one", Grain, a);
        await storage.WriteStateAsync("two", Grain, b);

        var readA = new GrainState<NoteState>();
        await storage.ReadStateAsync("one", Grain, readA);
        var readB = new GrainState<NoteState>();
        await storage.ReadStateAsync("two", Grain, readB);
        Assert.Equal("a", readA.State!.Text);
        Assert.Equal("b", readB.State!.Text);
    }
}
