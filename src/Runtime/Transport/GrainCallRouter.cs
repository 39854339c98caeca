using System.Buffers;
using System.Net;
using ObjectStore.Runtime.Diagnostics;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Invocation;
using ObjectStore.Runtime.Membership;
using ObjectStore.Runtime.Placement;

namespace ObjectStore.Runtime.Transport;

/// <summary>
/// Routes grain calls for a silo or a cluster client. For each call:
/// 1. Stateless workers run on this silo. Otherwise the owner is the rendezvous winner over the current view.
/// 2. Owner is this silo: hand the call to the local catalog (no serialisation at all).
/// 3. Owner is another silo: write the message, POST it over HTTP/2, apply the response.
/// 4. The target refused (421 not owner, 503 stopping) or could not be connected to (never delivered): refresh the
///    view and route again, at most <see cref="MaxAttempts"/> times in all. A failure with the call in flight is not retried (at-most-once): the caller gets
///    <see cref="SiloUnavailableException"/>.
/// A client without membership sends to its configured silos (the receiver forwards to the owner).
/// </summary>
internal sealed class GrainCallRouter : IGrainCallSink
{
    /// <summary>Routing attempts per call; only calls refused undelivered are tried again.</summary>
    public const int MaxAttempts = 3;

    private const int RetryBackoffMs = 25;

    private static readonly Task<bool> s_retry = Task.FromResult(true);
    private static readonly Task<bool> s_done = Task.FromResult(false);

    private readonly SiloConnector _connector;
    private readonly IMembershipProvider? _membership;
    private readonly string[] _endpoints;
    private readonly SiloRuntime? _local;
    private readonly object _viewLock = new();
    private volatile RendezvousPlacement _placement = new(MembershipView.Empty);

    public GrainCallRouter(SiloConnector connector, IMembershipProvider? membership, IReadOnlyList<string> endpoints, SiloRuntime? local, TimeSpan defaultCallTimeout)
    {
        _connector = connector;
        _membership = membership;
        _endpoints = [.. endpoints];
        _local = local;
        DefaultCallTimeout = defaultCallTimeout;
        if (membership is not null)
        {
            membership.ViewChanged += ApplyView;
            ApplyView(membership.Current);
        }
    }

    public TimeSpan DefaultCallTimeout { get; }

    public RendezvousPlacement Placement => _placement;

    public SiloConnector Connector => _connector;

    public void ApplyView(MembershipView view)
    {
        lock (_viewLock)
        {
            if (view.Version <= _placement.View.Version && _placement.View != MembershipView.Empty) return;
            _placement = new RendezvousPlacement(view);
        }
        RuntimeMetrics.MembershipChanges.Add(1);
    }

    public void Detach()
    {
        if (_membership is not null) _membership.ViewChanged -= ApplyView;
    }

    public void Send(GrainCall call) => _ = SendAsync(call);

    private async Task SendAsync(GrainCall call)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var retry = await TrySendAsync(call, attempt).ConfigureAwait(false);
                if (!retry || call.Task.IsCompleted) return;
                if (attempt == MaxAttempts - 1)
                {
                    call.Fail(new SiloUnavailableException($"No silo accepted the call to {call.Id}; the cluster view kept changing or the owner is unreachable."));
                    return;
                }
                // Give the new view a moment to reach the other silos too, then route again.
                await Task.Delay(RetryBackoffMs * (attempt + 1), call.Token).ConfigureAwait(false);
                await RefreshViewAsync(call.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            call.Fail(e);
        }
    }

    /// <summary>Re-reads membership (a peer hinted our view is stale); failures leave the current view in place.</summary>
    public async Task RefreshViewAsync(CancellationToken cancellationToken)
    {
        if (_membership is null) return;
        try
        {
            await _membership.RefreshAsync(cancellationToken).ConfigureAwait(false);
            ApplyView(_membership.Current);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Route with what we have.
        }
    }

    /// <summary>True when the call was refused undelivered and should be routed again after a view refresh.</summary>
    private Task<bool> TrySendAsync(GrainCall call, int attempt)
    {
        if (_local is not null)
        {
            var type = _local.FindType(call.Id.Type)
                ?? throw new InvalidOperationException($"Grain type '{call.Id.Type}' is not registered on this silo.");
            if (type.IsStatelessWorker) return _local.Catalog.TryDispatch(call, type) ? s_done : throw Stopping();
            var owner = _placement.Owner(call.Id.Hash);
            if (owner is null) return attempt < MaxAttempts - 1 ? s_retry : throw NoSilo();
            if (owner.SiloId == _local.SiloId) return _local.Catalog.TryDispatch(call, type) ? s_done : s_retry;
            return SendRemoteAsync(owner.Endpoint, call);
        }
        if (_membership is not null)
        {
            // A client's provider may not have read the table yet: refresh once before giving up.
            var owner = _placement.Owner(call.Id.Hash);
            if (owner is null) return attempt < MaxAttempts - 1 ? s_retry : throw NoSilo();
            return SendRemoteAsync(owner.Endpoint, call);
        }
        if (_endpoints.Length == 0) throw NoSilo();
        return SendRemoteAsync(_endpoints[(int)((call.Id.Hash + (ulong)attempt) % (ulong)_endpoints.Length)], call);
    }

    private async Task<bool> SendRemoteAsync(string endpoint, GrainCall call)
    {
        var writer = new GrainWriter(256);
        try
        {
            WireFormat.WriteRequest(ref writer, call, 0);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        var message = writer.Detach(out var length);
        try
        {
            using var response = await _connector.SendAsync(endpoint, message, length, call.Token).ConfigureAwait(false);
            switch (response.Status)
            {
                case HttpStatusCode.OK:
                    WireFormat.CompleteFromResponse(call, response.Body);
                    return false;
                case HttpStatusCode.MisdirectedRequest or HttpStatusCode.ServiceUnavailable:
                    return true;
                case HttpStatusCode.Unauthorized:
                    call.Fail(new UnauthorizedAccessException($"Silo {endpoint} rejected the cluster key."));
                    return false;
                default:
                    call.Fail(new SiloUnavailableException($"Silo {endpoint} answered {(int)response.Status} to the call to {call.Id}."));
                    return false;
            }
        }
        catch (OperationCanceledException) when (call.Token.IsCancellationRequested)
        {
            call.Fail(new OperationCanceledException(call.Token));
            return false;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            call.Fail(new SiloUnavailableException($"Silo {endpoint} failed with the call to {call.Id} in flight; its outcome is unknown.", e));
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }

    private static SiloUnavailableException NoSilo() => new("No live silo in the membership view.");

    private static SiloUnavailableException Stopping() => new("This silo is stopping and takes no new stateless-worker calls.");
}
