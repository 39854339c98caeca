using System.Net;
using System.Net.Sockets;

namespace ObjectStore.Runtime.Tests.Membership;

/// <summary>
/// A loopback TCP forwarder to a target port that a test can cut: <see cref="Cut"/> closes every
/// forwarded connection and refuses new ones, as if the network to the database went away;
/// <see cref="Freeze"/> keeps every connection open but lets no byte through, as if packets were dropped.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _cut = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private volatile TaskCompletionSource _flowing = Flowing();

    public TcpForwarder(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    public int Port { get; }

    public void Freeze() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    public void Cut()
    {
        _cut.Cancel();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var socket in _sockets) socket.Close();
            _sockets.Clear();
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_cut.IsCancellationRequested)
            {
                var client = await _listener.AcceptSocketAsync(_cut.Token);
                var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _targetPort, _cut.Token);
                }
                catch (Exception)
                {
                    client.Close();
                    server.Close();
                    continue;
                }
                lock (_gate)
                {
                    if (_cut.IsCancellationRequested) { client.Close(); server.Close(); return; }
                    _sockets.Add(client);
                    _sockets.Add(server);
                }
                _ = PumpAsync(client, server);
                _ = PumpAsync(server, client);
            }
        }
        catch (Exception) when (_cut.IsCancellationRequested)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                await _flowing.Task.WaitAsync(_cut.Token);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _cut.Token);
                if (read == 0) break;
                await _flowing.Task.WaitAsync(_cut.Token);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _cut.Token);
            }
        }
        catch (Exception)
        {
            // Either side closing (or the cut) ends both directions.
        }
        from.Close();
        to.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Cut();
        await _accepting;
        _cut.Dispose();
    }
}
