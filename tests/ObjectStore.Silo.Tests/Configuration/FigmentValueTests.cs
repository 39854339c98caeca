using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

public sealed class FigmentValueTests
{
    private static string Text(ConfigNode node) => Assert.IsType<ConfigScalar>(node).Text!;

    [Theory]
    [InlineData("true", "true")]
    [InlineData("42", "42")]
    [InlineData("  0.5 ", "0.5")]
    [InlineData("0.0.0.0:8888", "0.0.0.0:8888")]
    [InlineData("\"quoted, with = and ]\"", "quoted, with = and ]")]
    [InlineData("Host=db;Port=5432;Username=os", "Host=db;Port=5432;Username=os")]
    [InlineData("a, b", "a, b")]
    [InlineData("[unterminated", "[unterminated")]
    [InlineData("{k=}", "{k=}")]
    [InlineData("/tmp/data dir", "/tmp/data dir")]
    public void Scalars_parse_or_fall_back_to_the_verbatim_text(string input, string expected) =>
        Assert.Equal(expected, Text(FigmentValue.Parse(input)));

    [Fact]
    public void Arrays_hold_bare_and_quoted_items_and_allow_a_trailing_comma()
    {
        var list = Assert.IsType<ConfigList>(FigmentValue.Parse("[a, \"b c\", 3,]"));
        Assert.Equal(["a", "b c", "3"], list.Items.Select(Text));
    }

    [Fact]
    public void Nested_arrays_parse()
    {
        var list = Assert.IsType<ConfigList>(FigmentValue.Parse("[[org, 1], [project, \"2\"]]"));
        Assert.Equal(2, list.Items.Count);
        Assert.Equal(["project", "2"], Assert.IsType<ConfigList>(list.Items[1]).Items.Select(Text));
    }

    [Fact]
    public void Dicts_nest_with_arrays_inside()
    {
        var table = Assert.IsType<ConfigTable>(FigmentValue.Parse("{k=v, k2=[1, 2], inner={x=\"y\"}}"));
        Assert.Equal("v", Text(table["k"]!));
        Assert.Equal(["1", "2"], Assert.IsType<ConfigList>(table["k2"]).Items.Select(Text));
        Assert.Equal("y", Text(Assert.IsType<ConfigTable>(table["inner"])["x"]!));
    }

    [Fact]
    public void The_python_fixture_auth_keys_value_parses()
    {
        var table = Assert.IsType<ConfigTable>(FigmentValue.Parse(
            "{test_kid={key_files=[\"/abs/ed25519.public.pem\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}"));
        var kid = Assert.IsType<ConfigTable>(table["test_kid"]);
        Assert.Equal(["/abs/ed25519.public.pem"], Assert.IsType<ConfigList>(kid["key_files"]).Items.Select(Text));
        Assert.Equal(["object.read", "object.write", "object.delete"], Assert.IsType<ConfigList>(kid["max_permissions"]).Items.Select(Text));
    }

    [Fact]
    public void The_reference_escape_and_trailing_comma_case_parses()
    {
        var table = Assert.IsType<ConfigTable>(FigmentValue.Parse(
            "{kid1={key_files=[\"abcde\",\"fghij\",\"this is a test\\n  multiline string\\nend of string\\n\"],max_permissions=[\"object.read\", \"object.write\"],}, kid2={key_files=[\"12345\"],}}"));
        var files = Assert.IsType<ConfigList>(Assert.IsType<ConfigTable>(table["kid1"])["key_files"]).Items.Select(Text).ToList();
        Assert.Equal("this is a test\n  multiline string\nend of string\n", files[2]);
        Assert.Equal(["12345"], Assert.IsType<ConfigList>(Assert.IsType<ConfigTable>(table["kid2"])["key_files"]).Items.Select(Text));
    }

    [Theory]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("\"q\\\"uote\\\\\"", "q\"uote\\")]
    [InlineData("\"\\u00e9\\u{1F600}\"", "é😀")]
    public void Quoted_strings_unescape(string input, string expected) => Assert.Equal(expected, Text(FigmentValue.Parse(input)));
}
