using Microsoft.Extensions.Configuration;
using ObjectStore.Silo.Tests.Conformance;

namespace ObjectStore.Silo.Tests.Hosting;

public sealed class ServerHostTests
{
    [Fact]
    public async Task The_host_watches_no_configuration_file_so_writes_under_the_working_directory_wake_no_watcher()
    {
        await using var server = await ConformanceServer.StartAsync();
        var configuration = (IConfigurationRoot)server.HostOf(0).HostConfiguration;

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.NotEmpty(files); // appsettings.json is still read (optional), just not watched
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched for changes"));
    }
}
