using System.Text.Json.Nodes;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

public sealed class FigmentValueTests
{
    private static string Text(JsonNode? node) => Assert.IsAssignableFrom<JsonValue>(node).GetValue<string>();

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
        var list = Assert.IsType<JsonArray>(FigmentValue.Parse("[a, \"b c\", 3,]"));
        Assert.Equal(["a", "b c", "3"], list.Select(Text));
    }

    [Fact]
    public void Nested_arrays_parse()
    {
        var list = Assert.IsType<JsonArray>(FigmentValue.Parse("[[org, 1], [project, \"2\"]]"));
        Assert.Equal(2, list.Count);
        Assert.Equal(["project", "2"], Assert.IsType<JsonArray>(list[1]).Select(Text));
    }

    [Fact]
    public void Dicts_nest_with_arrays_inside()
    {
        var table = Assert.IsType<JsonObject>(FigmentValue.Parse("{k=v, k2=[1, 2], inner={x=\"y\"}}"));
        Assert.Equal("v", Text(table["k"]!));
        Assert.Equal(["1", "2"], Assert.IsType<JsonArray>(table["k2"]).Select(Text));
        Assert.Equal("y", Text(Assert.IsType<JsonObject>(table["inner"])["x"]!));
    }

    [Fact]
    public void The_python_fixture_auth_keys_value_parses()
    {
        var table = Assert.IsType<JsonObject>(FigmentValue.Parse(
            "{test_kid={key_files=[\"/abs/ed25519.public.pem\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}"));
        var kid = Assert.IsType<JsonObject>(table["test_kid"]);
        Assert.Equal(["/abs/ed25519.public.pem"], Assert.IsType<JsonArray>(kid["key_files"]).Select(Text));
        Assert.Equal(["object.read", "object.write", "object.delete"], Assert.IsType<JsonArray>(kid["max_permissions"]).Select(Text));
    }

    [Fact]
    public void The_reference_escape_and_trailing_comma_case_parses()
    {
        var table = Assert.IsType<JsonObject>(FigmentValue.Parse(
            "{kid1={key_files=[\"abcde\",\"fghij\",\"this is a test\\n  multiline string\\nend of string\\n\"],max_permissions=[\"object.read\", \"object.write\"],}, kid2={key_files=[\"12345\"],}}"));
        var files = Assert.IsType<JsonArray>(Assert.IsType<JsonObject>(table["kid1"])["key_files"]).Select(Text).ToList();
        Assert.Equal("this is a test\n  multiline string\nend of string\n", files[2]);
        Assert.Equal(["12345"], Assert.IsType<JsonArray>(Assert.IsType<JsonObject>(table["kid2"])["key_files"]).Select(Text));
    }

    [Theory]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("\"q\\\"uote\\\\\"", "q\"uote\\")]
    [InlineData("\"\\u00e9\\u{1F600}\"", "é😀")]
    public void Quoted_strings_unescape(string input, string expected) => Assert.Equal(expected, Text(FigmentValue.Parse(input)));
}
