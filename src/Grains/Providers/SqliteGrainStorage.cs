using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Grains.Providers;

/// <summary>
/// An Orleans grain storage provider on the HV SQLite file (<see cref="SqliteGrainStateRows"/>), for the
/// embedded single-silo default. The payload is whatever the configured <see cref="IGrainStorageSerializer"/> makes.
/// </summary>
/// <remarks>
/// ### Read
/// - no row → a new state, no ETag, RecordExists false.
/// - a cleared row → a new state, the row's ETag (so the next write is checked against it), RecordExists false.
/// - a row → the deserialized state, its ETag, RecordExists true.
///
/// ### Write / Clear (conditional on the grain's ETag, null meaning "nothing stored yet")
/// - applied → the grain's ETag becomes the new version; RecordExists true (write) or false (clear, state reset).
/// - stale → <see cref="InconsistentStateException"/> with the stored and the grain's ETag; nothing changed.
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly SqliteClusterState _state;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly string _serviceId;

    /// <summary>A provider named <paramref name="name"/> on <paramref name="state"/>'s grain-state rows.</summary>
    public SqliteGrainStorage(string name, SqliteClusterState state, IGrainStorageSerializer serializer, IActivatorProvider activators,
        IOptions<ClusterOptions> clusterOptions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _name = name;
        _state = state;
        _serializer = serializer;
        _activators = activators;
        _serviceId = clusterOptions.Value.ServiceId;
    }

    private SqliteGrainStateRows Rows => _state.GrainStates;

    /// <summary>Migrates the tables before grains can activate (idempotent; the reminder table may have done it already).</summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(OptionFormattingUtilities.Name<SqliteGrainStorage>(_name), ServiceLifecycleStage.ApplicationServices,
            cancellationToken => _state.InitializeAsync(cancellationToken));
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var row = await Rows.ReadAsync(_serviceId, stateName, grainId.ToString(), cancellationToken);
        var stored = row?.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : default;
        grainState.State = stored ?? CreateInstance<T>();
        grainState.ETag = row?.Version;
        grainState.RecordExists = row?.Payload is not null;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = _serializer.Serialize(grainState.State).ToMemory();
        var result = await Rows.WriteAsync(_serviceId, stateName, grainId.ToString(), grainState.ETag, payload, cancellationToken);
        ThrowIfStale(result, "write", stateName, grainId, grainState.ETag);
        grainState.ETag = result.Version;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var result = await Rows.ClearAsync(_serviceId, stateName, grainId.ToString(), grainState.ETag, cancellationToken);
        ThrowIfStale(result, "clear", stateName, grainId, grainState.ETag);
        grainState.ETag = result.Version;
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    private void ThrowIfStale(StateWriteResult result, string operation, string stateName, GrainId grainId, string? grainETag)
    {
        if (result.IsStale)
            throw new InconsistentStateException(
                $"Version conflict ({operation}): provider {_name}, state {stateName}, grain {grainId}: stored ETag {result.Version ?? "(none)"}, grain's ETag {grainETag ?? "(none)"}",
                result.Version, grainETag);
    }

    // The activator provider, like Orleans' own providers, so state types with generated activators work too.
    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();
}
