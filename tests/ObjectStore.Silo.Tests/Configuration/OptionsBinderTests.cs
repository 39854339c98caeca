using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>
/// The options binder on options classes of its own: keys follow the properties (snake case, or
/// <see cref="ConfigurationKeyNameAttribute"/> with a path into nested tables), values use objectstore's syntax, and
/// every problem is reported at once naming its dotted key. The real sections are covered by the configuration tests
/// around it; these pin the conventions every section relies on.
/// </summary>
public sealed class OptionsBinderTests
{
    internal sealed record Sample
    {
        public string? PlainName { get; init; }

        public IPEndPoint ListenAddr { get; init; } = IPEndPoint.Parse("127.0.0.1:1");

        public TimeSpan IAmAlivePeriod { get; init; } = TimeSpan.FromSeconds(5);

        public TimeSpan? Limit { get; init; } = TimeSpan.FromHours(1);

        [Range(1, 10)]
        public int Tries { get; init; } = 3;

        [ConfigurationKeyName("deep:inner:flag")]
        public bool DeepFlag { get; init; }

        public SampleKind Kind { get; init; }

        public Part? Part { get; init; }

        public IReadOnlyDictionary<string, Part> Parts { get; init; } = new Dictionary<string, Part>();

        public IReadOnlyList<string> Names { get; init; } = [];

        public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; init; } = [];

        /// <summary>Computed: no setter, so not a key.</summary>
        public int NameLength => PlainName?.Length ?? 0;
    }

    internal enum SampleKind
    {
        FirstKind,
        S3,
    }

    internal sealed record Part
    {
        public required SampleKind Kind { get; init; }

        public double Weight { get; init; } = 1;
    }

    private static (Sample Options, ConfigDiagnostics Diagnostics) Bind(string yaml)
    {
        var configuration = YamlConfigurationFile.Parse(yaml, "test.yaml");
        var diagnostics = new ConfigDiagnostics();
        var options = OptionsBinder.Bind<Sample>(new ConfigSection("", configuration, diagnostics));
        diagnostics.WarnUnknownKeys(configuration);
        return (options, diagnostics);
    }

    [Fact]
    public void Keys_are_the_properties_in_snake_case_with_objectstores_value_syntax()
    {
        var (o, d) = Bind("""
            plain_name: x
            listen_addr: localhost:9
            i_am_alive_period: 250ms
            limit: off
            tries: 10
            deep: { inner: { flag: true } }
            kind: s3
            part: { kind: first_kind, weight: 0.5 }
            parts: { A: { kind: s3 }, b: { kind: first_kind, weight: 2 } }
            names: [n1, n2]
            pairs: [[k, v], [k2, v2]]
            """);

        Assert.Empty(d.Errors);
        Assert.Empty(d.Warnings);
        Assert.Equal("x", o.PlainName);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9), o.ListenAddr);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.IAmAlivePeriod);
        Assert.Null(o.Limit);
        Assert.Equal(10, o.Tries);
        Assert.True(o.DeepFlag);
        Assert.Equal(SampleKind.S3, o.Kind);
        Assert.Equal(new Part { Kind = SampleKind.FirstKind, Weight = 0.5 }, o.Part);
        Assert.Equal([("A", SampleKind.S3, 1.0), ("b", SampleKind.FirstKind, 2.0)], o.Parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Kind, p.Value.Weight)));
        Assert.Equal(["n1", "n2"], o.Names);
        Assert.Equal([new("k", "v"), new("k2", "v2")], o.Pairs);
    }

    [Fact]
    public void Absent_keys_keep_the_defaults()
    {
        var (o, d) = Bind("plain_name: x");

        Assert.Empty(d.Errors);
        Assert.Equal(new Sample { PlainName = "x" } with { Parts = o.Parts, Names = o.Names, Pairs = o.Pairs }, o);
        Assert.Equal(TimeSpan.FromHours(1), o.Limit);
        Assert.Equal(3, o.Tries);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once_naming_its_dotted_key()
    {
        var (_, d) = Bind("""
            listen_addr: nowhere
            i_am_alive_period: soon
            tries: 11
            deep: { inner: { flag: maybe } }
            kind: s4
            part: { weight: 1 }
            parts: { a: 5 }
            names: n1
            pairs: [[k]]
            """);

        Assert.Equal([
            "listen_addr: expected <ip>:<port> (e.g. 127.0.0.1:8888), got 'nowhere'",
            "i_am_alive_period: expected a duration like '1s' or '30d', got 'soon'",
            "tries: expected an integer in 1..10, got '11'",
            "deep.inner.flag: expected true or false, got 'maybe'",
            "kind: expected one of first_kind, s3, got 's4'",
            "part.kind: required (first_kind or s3)",
            "parts.a: expected a table, got '5'",
            "names: expected a list, got 'n1'",
            "pairs[0]: expected a [name, value] pair, got a list",
        ], d.Errors);
    }

    [Fact]
    public void A_path_key_needs_its_tables_and_reports_their_unknown_keys()
    {
        var (_, scalar) = Bind("deep: yes");
        Assert.Equal(["deep: expected a table, got 'yes'"], scalar.Errors);

        var (_, extra) = Bind("deep: { inner: { flag: true, colour: red }, other: 1 }\nname_length: 4");
        Assert.Empty(extra.Errors);
        Assert.Equal([
            "unknown configuration key 'deep.inner.colour' ignored",
            "unknown configuration key 'deep.other' ignored",
            "unknown configuration key 'name_length' ignored",
        ], extra.Warnings);
    }
}
