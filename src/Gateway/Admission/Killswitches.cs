using System.Text.RegularExpressions;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Admission;

/// <summary>
/// One killswitch (api doc §10.3): it matches when every present condition holds. An empty switch
/// matches everything.
/// </summary>
internal sealed record Killswitch
{
    /// <summary>Usecase that must equal the request's.</summary>
    public string? Usecase { get; init; }

    /// <summary>Scope pairs that must each be present in the request scopes (any position) with equal values.</summary>
    public IReadOnlyDictionary<string, string>? Scopes { get; init; }

    /// <summary>Glob (<c>*</c> = any run of characters) on the normalized <c>x-downstream-service</c> header.</summary>
    public string? Service { get; init; }

    /// <summary>True when the switch applies; <paramref name="service"/> is the already normalized header or null.</summary>
    public bool Matches(string usecase, Scopes scopes, string? service)
    {
        if (Usecase is not null && Usecase != usecase) return false;
        if (Scopes is not null && !ScopeConditions.AllPresent(scopes, Scopes)) return false;
        if (Service is not null && (service is null || !DownstreamService.GlobMatches(Service, service))) return false;
        return true;
    }
}

/// <summary>
/// The configured killswitches plus a runtime list that can be swapped at any time (the reference reloads
/// one every 4 s). Any match → 403 plain text <see cref="RejectionText"/>.
/// </summary>
internal sealed class Killswitches(IReadOnlyList<Killswitch> configured)
{
    /// <summary>The plain-text 403 body.</summary>
    public const string RejectionText = "Object access is disabled for this scope through killswitches";

    private volatile IReadOnlyList<Killswitch> _runtime = [];

    /// <summary>Replaces the runtime list (configured switches stay).</summary>
    public void UpdateRuntime(IReadOnlyList<Killswitch> switches) => _runtime = switches;

    /// <summary>True when any switch matches; <paramref name="downstreamService"/> is the raw header value or null.</summary>
    public bool IsKilled(string usecase, Scopes scopes, string? downstreamService)
    {
        var runtime = _runtime;
        if (configured.Count == 0 && runtime.Count == 0) return false;
        var service = downstreamService is null ? null : DownstreamService.Normalize(downstreamService);
        foreach (var s in configured)
            if (s.Matches(usecase, scopes, service)) return true;
        foreach (var s in runtime)
            if (s.Matches(usecase, scopes, service)) return true;
        return false;
    }
}

/// <summary>The <c>x-downstream-service</c> header: Kubernetes pod-suffix stripping and glob matching.</summary>
internal static partial class DownstreamService
{
    /// <summary>The request header naming the calling service.</summary>
    public const string HeaderName = "x-downstream-service";

    /// <summary>
    /// Strips a Deployment pod suffix (<c>name-&lt;7..10 lowercase alnum&gt;-&lt;5 lowercase alnum&gt;</c>) or a
    /// StatefulSet ordinal (<c>name-&lt;digits&gt;</c>), leaving <c>name</c>.
    /// </summary>
    public static string Normalize(string header)
    {
        var m = DeploymentPod().Match(header);
        if (m.Success) return m.Groups[1].Value;
        m = StatefulPod().Match(header);
        return m.Success ? m.Groups[1].Value : header;
    }

    /// <summary>Glob match where <c>*</c> matches any run of characters (including <c>/</c>); everything else is literal.</summary>
    public static bool GlobMatches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    [GeneratedRegex("^(.+)-[a-z0-9]{7,10}-[a-z0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeploymentPod();

    [GeneratedRegex("^(.+)-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex StatefulPod();
}
