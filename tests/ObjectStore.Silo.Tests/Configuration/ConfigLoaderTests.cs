using System.Net;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Auth;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Tests.Auth;

namespace ObjectStore.Silo.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("os-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LoadedConfiguration Load(string yaml = "", params (string Name, string Value)[] env) =>
        ConfigLoader.Load(YamlConfigurationFile.Parse(yaml, "test.yaml"), env.Select(e => new KeyValuePair<string, string?>(e.Name, e.Value)));

    private static string Error(string yaml = "", params (string Name, string Value)[] env) =>
        Assert.Single(Assert.Throws<ConfigurationException>(() => Load(yaml, env)).Errors);

    private string PublicKeyFile()
    {
        var path = Path.Combine(_dir, "ed25519.public.pem");
        File.WriteAllText(path, new TestSigner().PublicPem);
        return path;
    }

    [Fact]
    public void Objectstore_runtime_and_sentry_keys_load_with_a_warning_saying_they_are_not_used()
    {
        var loaded = Load("""
            runtime: { worker_threads: 8, metrics_interval: 10s }
            sentry: { dsn: "https://key@sentry.example/1", environment: prod, traces_sample_rate: 0.1, tags: { region: eu } }
            """, ("OS__SENTRY__DEBUG", "true"), ("OS__SENTRY__DSNN", "typo"));

        foreach (var key in (string[])["runtime.worker_threads", "runtime.metrics_interval", "sentry.dsn", "sentry.environment", "sentry.traces_sample_rate", "sentry.tags", "sentry.debug"])
            Assert.Contains(loaded.Warnings, w => w.StartsWith(key + ": objectstore's key is accepted but not used", StringComparison.Ordinal));
        Assert.Contains("unknown configuration key 'sentry.dsnn' ignored", loaded.Warnings);
        Assert.DoesNotContain(loaded.Warnings, w => w.Contains("'runtime", StringComparison.Ordinal) || w.Contains("'sentry.dsn'", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_the_embedded_loopback_server_without_auth()
    {
        var loaded = Load();
        var o = loaded.Options;
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:8888"), o.HttpAddr);
        Assert.True(o.BindsLoopback);
        Assert.Equal(StorageType.Filesystem, o.Storage.Type);
        Assert.Equal("./data", o.Storage.Path);
        Assert.False(o.Auth.Active);
        Assert.Equal(0, loaded.Keys.Count);
        Assert.Equal(10_000, o.Http.MaxRequests);
        Assert.Equal(500, o.Service.MaxConcurrency);
        Assert.Equal(LogLevel.Information, o.Logging.Level);
        Assert.Equal(MembershipType.Local, o.Cluster.Membership);
        Assert.Empty(o.Killswitches);
        Assert.Null(o.RateLimits.Throughput.GlobalRps);
        Assert.Equal(1000, o.RateLimits.Bandwidth.BurstMs);
        Assert.Empty(loaded.Warnings);
    }

    [Fact]
    public void Environment_overrides_yaml_which_overrides_defaults()
    {
        var yaml = """
            http_addr: 127.0.0.1:9000
            http:
              max_requests: 5
            logging:
              level: debug
              format: json
            """;
        var o = Load(yaml, ("OS__HTTP__MAX_REQUESTS", "7"), ("os__logging__LEVEL", "warn")).Options;
        Assert.Equal(9000, o.HttpAddr.Port);
        Assert.Equal(7, o.Http.MaxRequests);
        Assert.Equal(LogLevel.Warning, o.Logging.Level);
        Assert.Equal(LogFormat.Json, o.Logging.Format);
    }

    [Fact]
    public void Environment_tables_merge_into_yaml_tables_key_by_key()
    {
        var yaml = """
            storage:
              type: tiered
              high_volume:
                type: postgres
                connection_string: Host=a
              long_term:
                type: s3
                bucket: b
            """;
        var o = Load(yaml, ("OS__STORAGE__HIGH_VOLUME__CONNECTION_STRING", "Host=db;Port=5432;Username=os"), ("OS__STORAGE__LONG_TERM", "{endpoint=\"http://127.0.0.1:9000\", path_style=true}")).Options;
        Assert.Equal("Host=db;Port=5432;Username=os", o.Storage.HighVolume!.ConnectionString);
        Assert.Equal(HighVolumeType.Postgres, o.Storage.HighVolume.Type);
        Assert.Equal("b", o.Storage.LongTerm!.Bucket);
        Assert.Equal("http://127.0.0.1:9000", o.Storage.LongTerm.Endpoint);
        Assert.True(o.Storage.LongTerm.PathStyle);
        Assert.Equal("us-east-1", o.Storage.LongTerm.Region);
    }

    [Fact]
    public void The_python_fixture_environment_works_unchanged()
    {
        var pem = PublicKeyFile();
        var loaded = Load("",
            ("OS__HTTP_ADDR", "127.0.0.1:18888"),
            ("OS__STORAGE__TYPE", "filesystem"),
            ("OS__STORAGE__PATH", _dir),
            ("OS__LOG__LEVEL", "trace"),
            ("OS__AUTH__ENFORCE", "true"),
            ("OS__AUTH__KEYS", $"{{test_kid={{key_files=[\"{pem}\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}}}"));
        var o = loaded.Options;
        Assert.Equal(18888, o.HttpAddr.Port);
        Assert.Equal(_dir, o.Storage.Path);
        Assert.True(o.Auth.EnforceOrDefault);
        Assert.Equal([pem], o.Auth.Keys["test_kid"].KeyFiles);
        Assert.True(loaded.Keys.TryGet("test_kid", out var key));
        Assert.Equal(Permissions.All, key.MaxPermissions);
        Assert.Equal(LogLevel.Information, o.Logging.Level);
        Assert.Contains("unknown configuration key 'log' ignored", loaded.Warnings);
    }

    [Fact]
    public void Tiered_storage_on_sqlite_and_filesystem_binds()
    {
        var yaml = """
            storage:
              type: tiered
              high_volume: { type: sqlite, path: /var/os/hv.db }
              long_term: { type: filesystem, path: /var/os/lt }
            """;
        var s = Load(yaml).Options.Storage;
        Assert.Equal(StorageType.Tiered, s.Type);
        Assert.Equal(("/var/os/hv.db", LongTermType.Filesystem, "/var/os/lt"), (s.HighVolume!.Path, s.LongTerm!.Type, s.LongTerm.Path));
    }

    [Fact]
    public void Admission_sections_bind()
    {
        var yaml = """
            killswitches:
              - usecase: attachments
                scopes: { org: "42" }
              - service: "relay*"
            rate_limits:
              throughput:
                global_rps: 100
                burst: 10
                usecase_pct: 50
                rules:
                  - usecase: a
                    scopes: [[org, "1"]]
                    rps: 5
              bandwidth:
                global_bps: 1000000
                burst_ms: 0
                report_only: true
            usecases:
              attachments:
                expiration:
                  manual: { allowed: false }
                  tti: { allowed: false }
            service:
              max_concurrency: 10
              concurrency_queue: 3
              bulk_concurrency_pct: 150
            """;
        var o = Load(yaml).Options;
        Assert.Equal("42", o.Killswitches[0].Scopes!["org"]);
        Assert.Equal("relay*", o.Killswitches[1].Service);
        Assert.Equal(100, o.RateLimits.Throughput.GlobalRps);
        Assert.Equal(new KeyValuePair<string, string>("org", "1"), Assert.Single(o.RateLimits.Throughput.Rules[0].Scopes));
        Assert.Equal(5, o.RateLimits.Throughput.Rules[0].Rps);
        Assert.True(o.RateLimits.Bandwidth.ReportOnly);
        Assert.Equal(0, o.RateLimits.Bandwidth.BurstMs);
        Assert.False(o.Usecases["attachments"].ManualAllowed);
        Assert.True(o.Usecases["attachments"].TtlAllowed);
        Assert.Equal((10, 3, 10), (o.Service.MaxConcurrency, o.Service.ConcurrencyQueue, o.Service.BulkPermits));
    }

    [Fact]
    public void Durations_use_humantime()
    {
        var o = Load("service: { concurrency_timeout: 250ms }\nusecases: { a: { expiration: { ttl: { max: 30d } } }, b: { expiration: { max: 90d } } }").Options;
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.Service.ConcurrencyTimeout);
        Assert.Equal(TimeSpan.FromDays(30), o.Usecases["a"].TtlMax);
        Assert.Null(o.Usecases["a"].Max);
        Assert.Equal(TimeSpan.FromDays(90), o.Usecases["b"].Max);
        Assert.Equal("service.concurrency_timeout: expected a duration like '1s' or '30d', got 'soon'", Error("service: { concurrency_timeout: soon }"));
    }

    [Fact]
    public void Cluster_on_postgres_binds_with_its_key()
    {
        var o = Load("", ("OS__CLUSTER", "{membership={type=postgres, connection_string=\"Host=db\"}, silo_addr=\"10.0.0.5:9999\", allow_insecure=true, key=s3cret}")).Options.Cluster;
        Assert.Equal((MembershipType.Postgres, "Host=db", "10.0.0.5:9999", "s3cret"), (o.Membership, o.MembershipConnectionString, o.SiloAddr, o.Key));
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "http_addr: nowhere", "", "http_addr: " },
        { "storage: { type: gcs }", "", "storage.type: expected one of filesystem, tiered, got 'gcs'" },
        { "storage: { type: tiered, high_volume: { type: postgres }, long_term: { type: filesystem, path: /x } }", "", "storage.high_volume.connection_string: required when high_volume.type is postgres" },
        { "storage: { type: tiered, high_volume: { type: sqlite }, long_term: { type: filesystem, path: /x } }", "", "storage.high_volume.path: required when high_volume.type is sqlite" },
        { "storage: { type: tiered, high_volume: { type: mysql }, long_term: { type: filesystem, path: /x } }", "", "storage.high_volume.type: " },
        { "storage: { type: tiered, long_term: { type: filesystem, path: /x } }", "", "storage.high_volume: required when storage.type is tiered" },
        { "storage: { type: tiered, high_volume: { type: sqlite, path: /a }, long_term: { type: s3 } }", "", "storage.long_term.bucket: required when long_term.type is s3" },
        { "storage: { type: tiered, high_volume: { type: sqlite, path: /a }, long_term: { type: s3, bucket: b, access_key: x } }", "", "storage.long_term.secret_key: " },
        { "storage: { type: tiered, high_volume: { type: sqlite, path: /a }, long_term: { type: s3, bucket: b, endpoint: 'not a url' } }", "", "storage.long_term.endpoint: " },
        { "storage: { type: tiered, high_volume: { type: sqlite, path: /a }, long_term: { type: filesystem } }", "", "storage.long_term.path: required when long_term.type is filesystem" },
        { "storage: { high_volume: { type: sqlite, path: /a } }", "", "storage.high_volume: only valid when storage.type is tiered" },
        { "storage: { path: '' }", "", "storage.path: must not be empty" },
        { "http: { max_requests: lots }", "", "http.max_requests: expected an integer ≥ 0, got 'lots'" },
        { "http: { max_requests: -1 }", "", "http.max_requests: " },
        { "service: { max_concurrency: [1] }", "", "service.max_concurrency: expected an integer, got a list" },
        { "auth: { enforce: maybe }", "", "auth.enforce: expected true or false, got 'maybe'" },
        { "auth: { keys: { k1: { max_permissions: [object.read] } } }", "", "auth.keys.k1.key_files: " },
        { "auth: { keys: { k1: { key_files: [/nonexistent.pem] } } }", "", "auth.keys.k1.key_files[0]: " },
        { "auth: { keys: { k1: nope } }", "", "auth.keys.k1: expected a table" },
        { "rate_limits: { throughput: { usecase_pct: 150 } }", "", "rate_limits.throughput.usecase_pct: expected a number in 0..100, got '150'" },
        { "rate_limits: { throughput: { rules: [ { scopes: [org] } ] } }", "", "rate_limits.throughput.rules[0].scopes[0]: expected a [name, value] pair" },
        { "rate_limits: { bandwidth: { report_only: 1 } }", "", "rate_limits.bandwidth.report_only: " },
        { "killswitches: [ { scopes: { org: [1] } } ]", "", "killswitches[0].scopes.org: expected a string" },
        { "killswitches: { usecase: a }", "", "killswitches: expected a list" },
        { "usecases: { a: { expiration: { ttl: { allowed: sometimes } } } }", "", "usecases.a.expiration.ttl.allowed: " },
        { "logging: { level: loud }", "", "logging.level: expected one of " },
        { "cluster: { membership: { type: etcd } }", "", "cluster.membership.type: expected one of local, postgres, got 'etcd'" },
        { "cluster: { membership: { type: postgres } }", "", "cluster.membership.connection_string: required when cluster.membership.type is postgres" },
        { "cluster: { silo_addr: 'no port' }", "", "cluster.silo_addr: " },
        { "", "OS__HTTP__MAX_REQUESTS", "http.max_requests: " },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Every_bad_value_names_its_key(string yaml, string envName, string expectedPrefix)
    {
        var message = envName.Length == 0 ? Error(yaml) : Error(yaml, (envName, "[1, 2]"));
        Assert.StartsWith(expectedPrefix, message);
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var e = Assert.Throws<ConfigurationException>(() => Load("http: { max_requests: x }\nlogging: { level: loud }"));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("http.max_requests", e.Message);
        Assert.Contains("logging.level", e.Message);
    }

    [Fact]
    public void A_non_loopback_address_without_keys_refuses_to_start()
    {
        var message = Error("http_addr: 0.0.0.0:8888");
        Assert.StartsWith("auth.keys: http_addr 0.0.0.0:8888 is not a loopback address", message);
        Assert.Contains("auth.enforce: false", message);
    }

    [Fact]
    public void An_explicit_enforce_false_allows_a_non_loopback_address_without_keys()
    {
        var o = Load("http_addr: 0.0.0.0:8888", ("OS__AUTH__ENFORCE", "false")).Options;
        Assert.False(o.BindsLoopback);
        Assert.False(o.Auth.Active);
    }

    [Fact]
    public void An_explicit_enforce_true_requires_keys_even_on_loopback() =>
        Assert.Equal("auth.enforce: true requires at least one key under auth.keys", Error("auth: { enforce: true }"));

    [Fact]
    public void Keys_turn_enforcing_on_when_enforce_is_unset()
    {
        var pem = PublicKeyFile();
        var loaded = Load($"http_addr: '[::]:8888'\nauth:\n  keys:\n    k1:\n      key_files: ['{pem}']\n      max_permissions: [object.read]\n");
        Assert.True(loaded.Options.Auth.EnforceOrDefault);
        Assert.True(loaded.Keys.TryGet("k1", out var key));
        Assert.Equal(Permissions.Read, key.MaxPermissions);
    }

    [Fact]
    public void Unknown_keys_are_ignored_with_a_warning_naming_them()
    {
        var loaded = Load("runtimes: { worker_threads: 4 }\nstorage: { path: /d, colour: blue }\nhttp: { max_requests: 1, speed: fast }");
        Assert.Contains("unknown configuration key 'runtimes' ignored", loaded.Warnings);
        Assert.Contains("unknown configuration key 'storage.colour' ignored", loaded.Warnings);
        Assert.Contains("unknown configuration key 'http.speed' ignored", loaded.Warnings);
        Assert.Equal("/d", loaded.Options.Storage.Path);
    }

    [Theory]
    [InlineData("a: [1, 2\nb: c")]
    [InlineData("a: b: c")]
    [InlineData("- just\n- a list")]
    public void Invalid_yaml_names_the_file(string yaml)
    {
        var e = Assert.Throws<ConfigurationException>(() => YamlConfigurationFile.Parse(yaml, "cluster.yaml"));
        Assert.StartsWith("cluster.yaml: ", Assert.Single(e.Errors));
    }

    [Fact]
    public void Invalid_yaml_names_the_line_when_the_parser_knows_it()
    {
        var e = Assert.Throws<ConfigurationException>(() => YamlConfigurationFile.Parse("a: 1\nb: c: d", "cluster.yaml"));
        Assert.StartsWith("cluster.yaml: invalid YAML at line 2", Assert.Single(e.Errors));
    }

    [Fact]
    public void A_missing_config_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_dir, "missing.yaml");
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path, []));
        Assert.StartsWith($"config file '{path}': ", Assert.Single(e.Errors));
    }

    [Fact]
    public void A_config_file_is_read_from_disk()
    {
        var path = Path.Combine(_dir, "os.yaml");
        File.WriteAllText(path, "http_addr: 127.0.0.2:7000\n");
        Assert.Equal(7000, ConfigLoader.Load(path, []).Options.HttpAddr.Port);
    }

    [Fact]
    public void Yaml_null_values_mean_absent()
    {
        var o = Load("http_addr: ~\nhttp:\n  max_requests:\n").Options;
        Assert.Equal(8888, o.HttpAddr.Port);
        Assert.Equal(10_000, o.Http.MaxRequests);
    }

    [Fact]
    public void Environment_variables_without_the_prefix_or_with_empty_segments_are_skipped()
    {
        var loaded = Load("", ("HTTP_ADDR", "0.0.0.0:1"), ("OS__HTTP____MAX_REQUESTS", "3"), ("OSX__HTTP_ADDR", "0.0.0.0:2"));
        Assert.Equal(8888, loaded.Options.HttpAddr.Port);
        Assert.Equal(10_000, loaded.Options.Http.MaxRequests);
        Assert.Contains(loaded.Warnings, w => w.Contains("OS__HTTP____MAX_REQUESTS"));
    }

    [Fact]
    public void Percentages_without_a_global_rate_and_rules_without_a_limit_are_warned_about()
    {
        var loaded = ConfigLoader.Load(
            YamlConfigurationFile.Parse("rate_limits: { throughput: { usecase_pct: 10, rules: [ { usecase: a, pct: 5 }, { usecase: b, rps: 1 } ] } }", "t.yaml"), []);
        Assert.Contains("rate_limits.throughput.usecase_pct has no effect without rate_limits.throughput.global_rps", loaded.Warnings);
        Assert.Contains("rate_limits.throughput.rules[0] has no effective limit (rps, or pct with global_rps) and is ignored", loaded.Warnings);
        Assert.DoesNotContain(loaded.Warnings, w => w.Contains("rules[1]"));
    }

    [Fact]
    public void Gateway_only_needs_postgres_membership_and_binds_with_it()
    {
        Assert.StartsWith("cluster.gateway_only: ", Error("cluster:\n  gateway_only: true\n"));
        var loaded = Load("", ("OS__CLUSTER__GATEWAY_ONLY", "true"), ("OS__CLUSTER__MEMBERSHIP__TYPE", "postgres"),
            ("OS__CLUSTER__MEMBERSHIP__CONNECTION_STRING", "Host=db"), ("OS__CLUSTER__KEY", "k"));
        Assert.True(loaded.Options.Cluster.GatewayOnly);
    }
}
