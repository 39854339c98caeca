using System.Net;
using System.Net.Sockets;

namespace ObjectStore.Silo.Tests.Conformance;

/// <summary><c>cluster.dashboard</c>: Orleans' dashboard on its own loopback listener, never on the public port.</summary>
public sealed class DashboardConformanceTests
{
    [Fact]
    public async Task The_dashboard_is_served_on_its_own_port_and_not_on_the_public_one()
    {
        var port = FreePort();
        await using var server = await ConformanceServer.StartAsync(("CLUSTER__DASHBOARD", "true"), ("CLUSTER__DASHBOARD_ADDR", $"127.0.0.1:{port}"));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        var dashboard = await client.GetAsync($"http://127.0.0.1:{port}/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var onPublic = await server.SendAsync("GET", "/dashboard/");
        Assert.Equal(404, onPublic.Status);
        Assert.DoesNotContain("<html", Wire.Text(onPublic), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_the_key_no_dashboard_listens()
    {
        var port = FreePort();
        await using var server = await ConformanceServer.StartAsync(("CLUSTER__DASHBOARD_ADDR", $"127.0.0.1:{port}"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(200, (await server.SendAsync("GET", "/health")).Status);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
