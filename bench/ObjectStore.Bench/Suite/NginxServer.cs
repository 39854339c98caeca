using ObjectStore.Testing;

namespace ObjectStore.Bench.Suite;

/// <summary>The nginx baseline: Debian's nginx with WebDAV PUT/DELETE and static GET on a loopback port, all state in one temp root.</summary>
internal sealed class NginxServer : IAsyncDisposable
{
    /// <summary>Where Debian installs it.</summary>
    public const string DefaultBinary = "/usr/sbin/nginx";

    private readonly ChildProcess _process;
    private readonly string _root;

    private NginxServer(ChildProcess process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    /// <summary>The listening port.</summary>
    public int Port { get; }

    /// <summary>The load target URI of its WebDAV location.</summary>
    public string TargetUri => $"webdav:http://127.0.0.1:{Port}/dav/";

    /// <summary>
    /// The whole configuration: two workers, no access log, every temp path under <paramref name="root"/>, WebDAV PUT and
    /// DELETE with parent directories created on demand, no body size limit, and long keep-alive like the silo's.
    /// </summary>
    public static string ConfigText(string root, int port, bool runAsRoot) => $$"""
        daemon off;
        worker_processes 2;
        {{(runAsRoot ? "user root;" : "")}}
        pid {{root}}/nginx.pid;
        error_log {{root}}/error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            sendfile on;
            tcp_nodelay on;
            keepalive_requests 1000000;
            keepalive_timeout 300s;
            client_body_temp_path {{root}}/client_body;
            proxy_temp_path {{root}}/proxy;
            fastcgi_temp_path {{root}}/fastcgi;
            uwsgi_temp_path {{root}}/uwsgi;
            scgi_temp_path {{root}}/scgi;
            client_max_body_size 0;
            server {
                listen 127.0.0.1:{{port}};
                root {{root}}/www;
                location /dav/ {
                    dav_methods PUT DELETE;
                    create_full_put_path on;
                    dav_access user:rw group:rw all:r;
                }
            }
        }
        """;

    /// <summary>Writes the configuration into a fresh temp root, starts nginx in the foreground and waits until it answers.</summary>
    public static async Task<NginxServer> StartAsync(string binary, string tempRoot, CancellationToken ct)
    {
        var root = Path.Combine(tempRoot, "nginx");
        Directory.CreateDirectory(Path.Combine(root, "www", "dav"));
        var port = ServerProcess.FreeLoopbackPort();
        var config = Path.Combine(root, "nginx.conf");
        await File.WriteAllTextAsync(config, ConfigText(root, port, Environment.UserName == "root"), ct);
        var process = ChildProcess.Start("nginx", binary, ["-c", config, "-p", root, "-e", Path.Combine(root, "error.log")]);
        var server = new NginxServer(process, root, port);
        try
        {
            using var http = new HttpClient();
            await process.WaitUntilAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/dav/", ct);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(15), "listening nginx", ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops nginx (SIGTERM: fast shutdown) and removes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempRoot.TryDelete(_root);
    }
}
