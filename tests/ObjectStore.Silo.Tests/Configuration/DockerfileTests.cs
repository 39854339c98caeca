using System.Net;
using System.Runtime.CompilerServices;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>
/// No Docker engine runs here, so what docker/Dockerfile and .dockerignore promise is checked on their text, and the
/// image's environment goes through the configuration loader the container runs.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string[] FinalStage = File.ReadAllText(Path.Combine(Root, "docker", "Dockerfile"))
        .Split("\nFROM ").Last().Split('\n').Select(l => l.Trim()).ToArray();

    [Fact]
    public void The_image_runs_as_its_non_root_user_with_a_health_check_on_all_interfaces()
    {
        var user = Assert.Single(FinalStage, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotContain(user["USER ".Length..].Trim(), (string[])["root", "0", "0:0"]);
        Assert.True(Array.IndexOf(FinalStage, user) < Array.FindIndex(FinalStage, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
        Assert.Contains(FinalStage, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && l.Contains("healthcheck", StringComparison.Ordinal));
        Assert.Contains("OS__HTTP_ADDR=0.0.0.0:8888", FinalStage.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)).Select(l => l["ENV ".Length..]));
    }

    [Fact]
    public void The_image_environment_refuses_to_start_without_auth_keys_and_starts_with_auth_explicitly_off()
    {
        var image = FinalStage.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .Select(l => l["ENV ".Length..].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

        var refused = Assert.Throws<ConfigurationException>(() => Load(image));
        Assert.Contains("auth.keys", refused.Message);

        var demo = Load(new Dictionary<string, string>(image) { ["OS__AUTH__ENFORCE"] = "false" });
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8888), demo.Options.HttpAddr);
        Assert.Equal("/data", demo.Options.Storage.Path);
        Assert.Empty(demo.Warnings);
    }

    [Fact]
    public void The_build_context_leaves_out_build_outputs_local_data_and_history()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#').ToArray();
        foreach (var pattern in (string[])["**/bin/", "**/obj/", ".git/", "data/", "**/TestResults/"])
            Assert.Contains(pattern, ignored);
    }

    private static LoadedConfiguration Load(IReadOnlyDictionary<string, string> environment) =>
        ConfigLoader.Load(configFile: null, environment.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
