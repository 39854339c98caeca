using System.Net;
using System.Net.Sockets;

namespace ObjectStore.Testing;

/// <summary>
/// A TCP forwarder on a loopback port that sends each new connection to the next of its targets (round robin), and can
/// be cut: a fault test's stand-in for a load balancer in front of several silos, or for a network path to a dependency
/// (S3, PostgreSQL) that goes away and comes back while the server behind it keeps its data. Hand-written because it is
/// test plumbing with two verbs (forward, cut) that no package in the copy offers without a server of its own.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<IPEndPoint> _targets;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Inbound, TcpClient Outbound)> _open = [];
    private readonly Task _accepting;
    private int _next;
    private volatile bool _cut;

    private LoopbackProxy(TcpListener listener, IReadOnlyList<IPEndPoint> targets)
    {
        _listener = listener;
        _targets = targets;
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections forwarded so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 = any free port) and forwards to <paramref name="targets"/>.</summary>
    public static LoopbackProxy Start(int port, params IPEndPoint[] targets)
    {
        if (targets.Length == 0) throw new ArgumentException("a proxy needs at least one target", nameof(targets));
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(backlog: 512);
        return new LoopbackProxy(listener, targets);
    }

    /// <summary>Drops every open connection and refuses new ones (they are accepted and closed at once) until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var (inbound, outbound) in _open)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
                inbound.Dispose();
                outbound.Dispose();
            }
            _open.Clear();
        }
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore() => _cut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (_cut)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
                inbound.Dispose();
                continue;
            }
            Accepted++;
            var target = _targets[_next++ % _targets.Count];
            _ = ForwardAsync(inbound, target);
        }
    }

    private async Task ForwardAsync(TcpClient inbound, IPEndPoint target)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(target, _stop.Token);
        }
        catch (Exception)
        {
            inbound.Dispose();
            outbound.Dispose();
            return;
        }
        lock (_open) _open.Add((inbound, outbound));
        try
        {
            var inStream = inbound.GetStream();
            var outStream = outbound.GetStream();
            // Either direction ending closes both: a half-open pair would hold a client that waits for an answer forever.
            await Task.WhenAny(PumpAsync(inStream, outStream), PumpAsync(outStream, inStream));
        }
        finally
        {
            lock (_open) _open.Remove((inbound, outbound));
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        try
        {
            await from.CopyToAsync(to, 81920, _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
