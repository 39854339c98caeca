using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// figment's value syntax for environment variables (api doc §11): <c>true</c>, numbers,
/// <c>[a, b]</c> arrays, <c>{k=v, k2=[..]}</c> dicts, <c>"quoted"</c> strings with escapes; bare words
/// inside arrays and dicts are strings; trailing commas are fine. Text that does not parse as a
/// whole is taken verbatim as a string (<c>Host=db;Port=5432</c> stays as it is). The result is a JSON node
/// (object, array, or string value) that <see cref="EnvironmentConfigurationProvider"/> expands into
/// configuration keys (Microsoft.Extensions.Configuration has no reader for this syntax).
/// </summary>
internal static class FigmentValue
{
    /// <summary>Parses an environment value.</summary>
    public static JsonNode Parse(string text)
    {
        var parser = new Parser(text);
        try
        {
            var value = parser.Value(topLevel: true);
            parser.SkipWhitespace();
            if (parser.AtEnd) return value;
        }
        catch (FormatException)
        {
        }
        return JsonValue.Create(text);
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public readonly bool AtEnd => _pos >= _text.Length;

        public void SkipWhitespace()
        {
            while (!AtEnd && char.IsWhiteSpace(_text[_pos])) _pos++;
        }

        public JsonNode Value(bool topLevel)
        {
            SkipWhitespace();
            if (AtEnd) throw new FormatException("expected a value");
            return _text[_pos] switch
            {
                '[' => Array(),
                '{' => Dict(),
                '"' => JsonValue.Create(Quoted()),
                _ => JsonValue.Create(Bare(topLevel) is { Length: > 0 } bare ? bare : throw new FormatException("expected a value")),
            };
        }

        private JsonArray Array()
        {
            _pos++;
            var items = new JsonArray();
            while (true)
            {
                SkipWhitespace();
                if (AtEnd) throw new FormatException("unterminated array");
                if (_text[_pos] == ']')
                {
                    _pos++;
                    return items;
                }
                items.Add(Value(topLevel: false));
                SeparatorOr(']');
            }
        }

        private JsonObject Dict()
        {
            _pos++;
            var table = new JsonObject();
            while (true)
            {
                SkipWhitespace();
                if (AtEnd) throw new FormatException("unterminated dict");
                if (_text[_pos] == '}')
                {
                    _pos++;
                    return table;
                }
                var key = _text[_pos] == '"' ? Quoted() : Bare(topLevel: false);
                if (key.Length == 0) throw new FormatException("empty dict key");
                SkipWhitespace();
                if (AtEnd || _text[_pos] != '=') throw new FormatException("expected '=' after a dict key");
                _pos++;
                table[key] = Value(topLevel: false);
                SeparatorOr('}');
            }
        }

        private void SeparatorOr(char close)
        {
            SkipWhitespace();
            if (AtEnd) throw new FormatException("unterminated collection");
            if (_text[_pos] == ',') _pos++;
            else if (_text[_pos] != close) throw new FormatException($"expected ',' or '{close}'");
        }

        private string Bare(bool topLevel)
        {
            var start = _pos;
            while (!AtEnd && (topLevel || _text[_pos] is not (',' or ']' or '}' or '=' or '[' or '{'))) _pos++;
            return _text[start.._pos].Trim();
        }

        private string Quoted()
        {
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw new FormatException("unterminated string");
                var c = _text[_pos++];
                if (c == '"') return sb.ToString();
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                if (AtEnd) throw new FormatException("unterminated escape");
                var e = _text[_pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case '"' or '\\' or '/' or '\'': sb.Append(e); break;
                    case 'u': sb.Append(Unicode()); break;
                    default: throw new FormatException($"unknown escape '\\{e}'");
                }
            }
        }

        // \u{1F600} (Rust style) or \u00e9 (JSON style).
        private string Unicode()
        {
            int start, end;
            if (!AtEnd && _text[_pos] == '{')
            {
                start = _pos + 1;
                end = _text.IndexOf('}', start);
                if (end < 0) throw new FormatException("unterminated \\u{...}");
                _pos = end + 1;
            }
            else
            {
                start = _pos;
                end = _pos + 4;
                if (end > _text.Length) throw new FormatException("short \\u escape");
                _pos = end;
            }
            if (!int.TryParse(_text.AsSpan(start, end - start), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                || !Rune.IsValid(code))
                throw new FormatException("invalid \\u escape");
            return new Rune(code).ToString();
        }
    }
}
