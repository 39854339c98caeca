using ObjectStore.Bench.Suite;

namespace ObjectStore.Bench.Tests.Suite;

public sealed class NginxConfigTests
{
    [Fact]
    public void The_config_serves_webdav_in_the_foreground_with_every_path_under_its_root()
    {
        var text = NginxServer.ConfigText("/tmp/root", 18080, runAsRoot: false);

        Assert.Contains("daemon off;", text);
        Assert.Contains("worker_processes 2;", text);
        Assert.Contains("listen 127.0.0.1:18080;", text);
        Assert.Contains("dav_methods PUT DELETE;", text);
        Assert.Contains("create_full_put_path on;", text);
        Assert.Contains("client_max_body_size 0;", text);
        Assert.DoesNotContain("user root;", text);
        foreach (var line in text.Split('\n').Where(l => l.Contains("_temp_path ") || l.Contains("pid ") || l.Contains("error_log ")))
            Assert.Contains("/tmp/root/", line);
    }

    [Fact]
    public void As_root_the_workers_run_as_root_so_they_can_write_the_temp_root()
    {
        Assert.Contains("user root;", NginxServer.ConfigText("/tmp/root", 1, runAsRoot: true));
    }
}
