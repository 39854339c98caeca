using Microsoft.Extensions.Logging;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Transport;

namespace ObjectStore.Runtime.Hosting;

/// <summary>
/// A silo: hosts activations, serves the internal HTTP/2 endpoint, and takes part in membership and reminders.
/// Start: open the endpoint, join membership (keys move here at once), start the sweep and reminder loops.
/// Graceful stop (<see cref="StopAsync"/>):
/// 1. Readiness off; BeginLeave so no silo places new keys here; calls arriving now are forwarded to new owners.
/// 2. Stop the reminder loop; deactivate every activation: running turns finish, OnDeactivateAsync runs, queued
///    calls are re-routed to the new owners.
/// 3. Wait for calls still passing through the endpoint; Leave (the lease is released, status Dead); stop the endpoint.
/// 4. Past <see cref="SiloOptions.ShutdownTimeout"/> the stop is forced: remaining activations are dropped and the
///    endpoint aborted. A fenced silo (lease lost) stops the forced way at once.
/// </summary>
public sealed class Silo : IAsyncDisposable
{
    private readonly SiloRuntime _runtime;
    private readonly IMembershipProvider _membership;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private GrainCallRouter? _router;
    private SiloConnector? _connector;
    private SiloEndpoint? _endpoint;
    private Timer? _sweep;
    private volatile bool _running;
    private volatile bool _ready;

    internal Silo(SiloRuntime runtime, IMembershipProvider membership, IReadOnlyDictionary<Type, GrainInterface> interfaces)
    {
        _runtime = runtime;
        _membership = membership;
        _logger = runtime.Logger;
        _connector = new SiloConnector(runtime.Options.ClusterKey, runtime.Options.MaxMessageBytes);
        _router = new GrainCallRouter(_connector, membership, [], runtime, runtime.Options.DefaultCallTimeout);
        runtime.Router = _router;
        runtime.GrainFactory = new GrainFactory(_router, interfaces);
    }

    /// <summary>This incarnation's id.</summary>
    public string SiloId => _runtime.SiloId;

    /// <summary>The internal endpoint's URL once started.</summary>
    public string? Address => _endpoint?.Address;

    /// <summary>True while started and not stopping (a readiness probe).</summary>
    public bool IsReady => _ready;

    /// <summary>Creates grain references that call from this silo.</summary>
    public IGrainFactory GrainFactory => _runtime.GrainFactory;

    internal SiloRuntime Runtime => _runtime;

    /// <summary>Opens the endpoint, joins membership and starts the background loops.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_running || _router is null) throw new InvalidOperationException("A silo starts once.");
            _endpoint = await SiloEndpoint.StartAsync(_runtime, _router, cancellationToken).ConfigureAwait(false);
            try
            {
                await _membership.JoinAsync(SiloId, _endpoint.Address, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await _endpoint.KillAsync().ConfigureAwait(false);
                throw;
            }
            _membership.Fenced += OnFenced;
            _router.ApplyView(_membership.Current);
            var quantum = _runtime.Options.CollectionQuantum;
            _sweep = new Timer(static s => ((SiloRuntime)s!).Catalog.Sweep(), _runtime, quantum, quantum);
            _runtime.Reminders.Start();
            _running = true;
            _ready = true;
            _logger.LogInformation("Silo {SiloId} started at {Address}", SiloId, _endpoint.Address);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops gracefully (see the class summary); forced once <see cref="SiloOptions.ShutdownTimeout"/> passes or the token fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_running) return;
            _ready = false;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_runtime.Options.ShutdownTimeout);
            try
            {
                await _membership.BeginLeaveAsync(deadline.Token).ConfigureAwait(false);
                _router!.ApplyView(_membership.Current);
                await _runtime.Reminders.StopAsync().ConfigureAwait(false);
                await _runtime.Catalog.DeactivateAllAsync(
                    new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo stopping"), deadline.Token).ConfigureAwait(false);
                while (_endpoint!.InFlight > 0) await Task.Delay(10, deadline.Token).ConfigureAwait(false);
                await _membership.LeaveAsync(deadline.Token).ConfigureAwait(false);
                // Peers may still route here until the leave reaches their views; from now on such calls are
                // refused with 503 (callers refresh and retry), and the ones already admitted — including calls
                // this silo forwarded to the new owners — finish before the endpoint closes.
                _endpoint.Admitting = false;
                while (_endpoint.InFlight > 0) await Task.Delay(10, deadline.Token).ConfigureAwait(false);
                await _endpoint.StopAsync(deadline.Token).ConfigureAwait(false);
                _logger.LogInformation("Silo {SiloId} stopped gracefully", SiloId);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("Silo {SiloId} did not drain within {Timeout}; forcing the stop", SiloId, _runtime.Options.ShutdownTimeout);
                await HaltAsync(new SiloUnavailableException($"Silo {SiloId} was stopped before the call ran.")).ConfigureAwait(false);
                try { await _membership.LeaveAsync(CancellationToken.None).ConfigureAwait(false); }
                catch (Exception e) { _logger.LogWarning(e, "Silo {SiloId} could not release its lease; it lapses instead", SiloId); }
            }
            finally
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Test hook: dies without a graceful leave (endpoint aborted, activations dropped, membership untouched).</summary>
    internal async Task KillAsync()
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_running) return;
            await HaltAsync(new SiloUnavailableException($"Silo {SiloId} was killed.")).ConfigureAwait(false);
            await ReleaseAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops gracefully if still running.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_endpoint is not null) await _endpoint.DisposeAsync().ConfigureAwait(false);
        _endpoint = null;
    }

    private void OnFenced()
    {
        _logger.LogError("Silo {SiloId} lost its membership lease; it stops serving now", SiloId);
        _ = KillAsync();
    }

    private async Task HaltAsync(Exception error)
    {
        _ready = false;
        if (_endpoint is not null)
        {
            _endpoint.Admitting = false;
            await _endpoint.KillAsync().ConfigureAwait(false);
        }
        _runtime.Catalog.AbandonAll(error);
        await _runtime.Reminders.StopAsync().ConfigureAwait(false);
    }

    private async Task ReleaseAsync()
    {
        _running = false;
        _membership.Fenced -= OnFenced;
        if (_sweep is not null) await _sweep.DisposeAsync().ConfigureAwait(false);
        _router?.Detach();
        _connector?.Dispose();
        _router = null;
        _connector = null;
    }
}
