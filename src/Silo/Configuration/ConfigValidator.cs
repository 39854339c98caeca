using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// Start-up rules that span keys. Secure by default:
/// <list type="bullet">
/// <item>no auth keys on a loopback <c>http_addr</c> (the embedded default) runs without auth, and says so;</item>
/// <item>no auth keys on any other address refuses to start unless <c>auth.enforce: false</c> is explicit;</item>
/// <item>an explicit <c>auth.enforce: true</c> needs keys (objectstore's own rule);</item>
/// <item><c>metrics.prometheus_addr</c> has a port of its own (not 0, not the HTTP or dashboard port);</item>
/// </list>
/// Key files are read here too, so a bad one stops start-up naming <c>auth.keys.&lt;kid&gt;.key_files[i]</c>.
/// </summary>
internal static class ConfigValidator
{
    /// <summary>Adds one error per violated rule; returns the loaded key directory (empty when it failed).</summary>
    public static KeyDirectory Validate(ObjectStoreOptions options, ConfigDiagnostics diagnostics)
    {
        var auth = options.Auth;
        if (auth.Keys.Count == 0)
        {
            if (auth.Enforce == true)
                diagnostics.Errors.Add("auth.enforce: true requires at least one key under auth.keys");
            else if (auth.Enforce is null && !options.BindsLoopback)
                diagnostics.Errors.Add(
                    $"auth.keys: http_addr {options.HttpAddr} is not a loopback address, so auth keys are required; " +
                    "set auth.enforce: false to serve without authentication");
        }


        if (options.Metrics.PrometheusAddr is { } metricsAddr)
        {
            if (metricsAddr.Port == 0)
                diagnostics.Errors.Add($"metrics.prometheus_addr: needs an explicit port (Prometheus scrapes a known address), got '{metricsAddr}'");
            else if (metricsAddr.Port == options.HttpAddr.Port)
                diagnostics.Errors.Add($"metrics.prometheus_addr: '{metricsAddr}' uses http_addr's port; leave it unset to serve /metrics on the HTTP port");
            else if (options.Cluster.Dashboard && metricsAddr.Port == options.Cluster.DashboardAddr.Port)
                diagnostics.Errors.Add($"metrics.prometheus_addr: '{metricsAddr}' uses cluster.dashboard_addr's port");
        }

        if (options.Storage is { Type: StorageType.Filesystem, Path: var path } && string.IsNullOrWhiteSpace(path))
            diagnostics.Errors.Add("storage.path: must not be empty");

        try
        {
            return KeyDirectory.Load(auth);
        }
        catch (FormatException e)
        {
            diagnostics.Errors.Add(e.Message);
            return KeyDirectory.Empty;
        }
    }
}
