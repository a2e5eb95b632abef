// Reads a Hugging Face tokenizer.json into the pipeline components (spec §2.2). Every declared component is built
// generically; an unknown type is a load error that names it, never a silent fallback.
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using JinaEmbed.Tokenization.Decoders;
using JinaEmbed.Tokenization.Models;
using JinaEmbed.Tokenization.Normalizers;
using JinaEmbed.Tokenization.PreTokenizers;

namespace JinaEmbed.Tokenization;

/// <summary>The components declared by one tokenizer.json.</summary>
internal sealed class TokenizerDefinition
{
    public required TokenizerModel Model { get; init; }

    public TextNormalizer? Normalizer { get; init; }

    public TextPreTokenizer? PreTokenizer { get; init; }

    public PostProcessor? PostProcessor { get; init; }

    public TokenDecoder? Decoder { get; init; }

    public required AddedToken[] AddedTokens { get; init; }

    public TokenizerTruncation? Truncation { get; init; }

    public TokenizerPadding? Padding { get; init; }
}

internal static class TokenizerJsonLoader
{
    public static TokenizerDefinition Load(ReadOnlyMemory<byte> utf8, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{source}: not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerLoadException($"{source}: the top level is not a JSON object");
            }

            try
            {
                if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                {
                    throw new TokenizerLoadException($"{source}: no \"model\" object");
                }

                var added = ReadAddedTokens(root, source);
                return new TokenizerDefinition
                {
                    Model = ReadModel(model, source),
                    Normalizer = Optional(root, "normalizer") is { } n ? ReadNormalizer(n, source) : null,
                    PreTokenizer = Optional(root, "pre_tokenizer") is { } p ? ReadPreTokenizer(p, source) : null,
                    PostProcessor = Optional(root, "post_processor") is { } pp ? ReadPostProcessor(pp, source) : null,
                    Decoder = Optional(root, "decoder") is { } d ? ReadDecoder(d, source) : null,
                    AddedTokens = added,
                    Truncation = Optional(root, "truncation") is { } t ? ReadTruncation(t, source) : null,
                    Padding = Optional(root, "padding") is { } pad ? ReadPadding(pad, source) : null,
                };
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
            {
                throw new TokenizerLoadException($"{source}: malformed tokenizer.json: {e.Message}", e);
            }
        }
    }

    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static string TypeOf(JsonElement obj, string what, string source)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{source}: {what} is not an object");
        }

        if (!obj.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerLoadException($"{source}: {what} has no \"type\"");
        }

        return t.GetString()!;
    }

    private static bool Bool(JsonElement obj, string name, bool fallback) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static AddedToken[] ReadAddedTokens(JsonElement root, string source)
    {
        if (Optional(root, "added_tokens") is not { } arr)
        {
            return [];
        }

        var list = new List<AddedToken>();
        foreach (var t in arr.EnumerateArray())
        {
            var content = Str(t, "content") ?? throw new TokenizerLoadException($"{source}: an added token has no \"content\"");
            list.Add(new AddedToken(
                t.GetProperty("id").GetInt32(),
                content,
                Bool(t, "single_word", false),
                Bool(t, "lstrip", false),
                Bool(t, "rstrip", false),
                Bool(t, "normalized", true),
                Bool(t, "special", false)));
        }

        return [.. list];
    }

    private static TokenizerModel ReadModel(JsonElement model, string source)
    {
        string type;
        if (model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
        {
            type = t.GetString()!;
        }
        else if (model.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array)
        {
            type = "Unigram";
        }
        else if (model.TryGetProperty("merges", out _))
        {
            type = "BPE";
        }
        else if (model.TryGetProperty("continuing_subword_prefix", out _))
        {
            type = "WordPiece";
        }
        else
        {
            throw new TokenizerLoadException($"{source}: the model has no \"type\"");
        }

        switch (type)
        {
            case "Unigram":
                {
                    if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array)
                    {
                        throw new TokenizerLoadException($"{source}: Unigram model has no \"vocab\" array");
                    }

                    var n = vocab.GetArrayLength();
                    var pieces = new string[n];
                    var scores = new double[n];
                    var i = 0;
                    foreach (var entry in vocab.EnumerateArray())
                    {
                        if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() < 2)
                        {
                            throw new TokenizerLoadException($"{source}: Unigram vocab entry {i} is not [piece, score]");
                        }

                        pieces[i] = entry[0].GetString() ?? string.Empty;
                        scores[i] = entry[1].GetDouble();
                        i++;
                    }

                    int? unkId = model.TryGetProperty("unk_id", out var u) && u.ValueKind == JsonValueKind.Number ? u.GetInt32() : null;
                    if (unkId is { } id && (id < 0 || id >= n))
                    {
                        throw new TokenizerLoadException($"{source}: Unigram unk_id {id} is outside the vocabulary of {n}");
                    }

                    var unigram = new UnigramModel(pieces, scores, unkId, Bool(model, "byte_fallback", false));
                    if (!unigram.EncodesEveryText)
                    {
                        // Hugging Face loads it and fails on the first text outside the vocabulary; a server would fail
                        // a user's request for it, so the folder is refused up front (found by fuzzing, issue #17).
                        throw new TokenizerLoadException($"{source}: the Unigram model has no unk_id (nor byte_fallback with all 256 <0xXX> pieces), so text outside its vocabulary could not be encoded");
                    }

                    return unigram;
                }

            case "WordPiece":
                {
                    if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
                    {
                        throw new TokenizerLoadException($"{source}: WordPiece model has no \"vocab\" object");
                    }

                    var map = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var p in vocab.EnumerateObject())
                    {
                        var id = p.Value.GetInt32();
                        if (id < 0)
                        {
                            throw new TokenizerLoadException($"{source}: WordPiece vocab entry '{p.Name}' has a negative id {id}");
                        }

                        map[p.Name] = id;
                    }

                    var max = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 100;
                    var unkToken = Str(model, "unk_token") ?? "[UNK]";
                    if (!map.ContainsKey(unkToken))
                    {
                        // As for Unigram without unk_id: a word outside the vocabulary could not be encoded (found by fuzzing).
                        throw new TokenizerLoadException($"{source}: the WordPiece unk_token '{unkToken}' is not in its vocabulary, so a word outside it could not be encoded");
                    }

                    return new WordPieceModel(map, unkToken, Str(model, "continuing_subword_prefix") ?? "##", max);
                }

            case "BPE":
                return ReadBpe(model, source);

            default:
                throw new TokenizerLoadException($"{source}: unsupported model type '{type}'");
        }
    }

    private static BpeModel ReadBpe(JsonElement model, string source)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{source}: BPE model has no \"vocab\" object");
        }

        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
        {
            // Dropout makes encoding random (a training-time option); a deterministic engine cannot honour it.
            throw new TokenizerLoadException($"{source}: BPE dropout {dropout.GetRawText()} is not supported (only null)");
        }

        var map = new Dictionary<string, int>(vocab.GetPropertyCount(), StringComparer.Ordinal);
        foreach (var p in vocab.EnumerateObject())
        {
            map[p.Name] = p.Value.GetInt32();
        }

        var merges = new List<(string, string)>();
        if (model.TryGetProperty("merges", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var rank = 0;
            foreach (var m in list.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.String)
                {
                    // The older form "a b": exactly one space (byte-level tokens never contain one).
                    var line = m.GetString()!;
                    var space = line.IndexOf(' ', StringComparison.Ordinal);
                    if (space < 0 || line.IndexOf(' ', space + 1) >= 0)
                    {
                        throw new TokenizerLoadException($"{source}: BPE merge {rank} '{line}' is not two tokens separated by one space");
                    }

                    merges.Add((line[..space], line[(space + 1)..]));
                }
                else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                    && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                {
                    merges.Add((m[0].GetString()!, m[1].GetString()!));
                }
                else
                {
                    throw new TokenizerLoadException($"{source}: BPE merge {rank} is neither \"a b\" nor [\"a\", \"b\"]: {m.GetRawText()}");
                }

                rank++;
            }
        }
        else if (Optional(model, "merges") is { } other)
        {
            throw new TokenizerLoadException($"{source}: BPE \"merges\" is not an array ({other.ValueKind})");
        }

        return new BpeModel(
            map,
            merges,
            Str(model, "unk_token"),
            Bool(model, "fuse_unk", false),
            Bool(model, "byte_fallback", false),
            Bool(model, "ignore_merges", false),
            Str(model, "continuing_subword_prefix"),
            Str(model, "end_of_word_suffix"),
            source);
    }

    private static TextNormalizer ReadNormalizer(JsonElement n, string source)
    {
        var type = TypeOf(n, "normalizer", source);
        switch (type)
        {
            case "Sequence":
                return new SequenceNormalizer(n.GetProperty("normalizers").EnumerateArray().Select(x => ReadNormalizer(x, source)).ToArray());
            case "Precompiled":
                {
                    var b64 = Str(n, "precompiled_charsmap");
                    if (string.IsNullOrEmpty(b64))
                    {
                        return new SequenceNormalizer([]);
                    }

                    byte[] blob;
                    try
                    {
                        blob = Convert.FromBase64String(b64);
                    }
                    catch (FormatException e)
                    {
                        throw new TokenizerLoadException($"{source}: Precompiled normalizer: precompiled_charsmap is not valid base64", e);
                    }

                    try
                    {
                        return new PrecompiledNormalizer(new PrecompiledCharsMap(blob));
                    }
                    catch (FormatException e)
                    {
                        throw new TokenizerLoadException($"{source}: Precompiled normalizer: bad charsmap: {e.Message}", e);
                    }
                }

            case "Replace":
                {
                    var (literal, regex) = ReadPattern(n, "Replace normalizer", source);
                    return new ReplaceNormalizer(literal, regex, Str(n, "content") ?? string.Empty);
                }

            case "Strip":
                return new StripNormalizer(Bool(n, "strip_left", true), Bool(n, "strip_right", true));
            case "NFC":
                return new UnicodeFormNormalizer(NormalizationForm.FormC);
            case "NFD":
                return new UnicodeFormNormalizer(NormalizationForm.FormD);
            case "NFKC":
                return new UnicodeFormNormalizer(NormalizationForm.FormKC);
            case "NFKD":
                return new UnicodeFormNormalizer(NormalizationForm.FormKD);
            case "Lowercase":
                return new LowercaseNormalizer();
            case "StripAccents":
                return new StripAccentsNormalizer();
            case "Prepend":
                return new PrependNormalizer(Str(n, "prepend") ?? string.Empty);
            case "BertNormalizer":
                {
                    bool? strip = n.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : null;
                    return new BertNormalizer(Bool(n, "clean_text", true), Bool(n, "handle_chinese_chars", true), strip, Bool(n, "lowercase", true));
                }

            default:
                throw new TokenizerLoadException($"{source}: unsupported normalizer type '{type}'");
        }
    }

    private static (string? Literal, Regex? Regex) ReadPattern(JsonElement n, string what, string source)
    {
        if (!n.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{source}: {what} has no \"pattern\"");
        }

        if (Str(p, "String") is { } literal)
        {
            return (literal, null);
        }

        if (Str(p, "Regex") is { } regex)
        {
            try
            {
                return (null, new Regex(regex, RegexOptions.CultureInvariant));
            }
            catch (ArgumentException e)
            {
                throw new TokenizerLoadException($"{source}: {what}: invalid regex '{regex}': {e.Message}", e);
            }
        }

        throw new TokenizerLoadException($"{source}: {what}: pattern is neither String nor Regex");
    }

    private static char ReadReplacement(JsonElement n, string source)
    {
        var r = Str(n, "replacement") ?? "\u2581";
        if (r.Length != 1)
        {
            throw new TokenizerLoadException($"{source}: Metaspace replacement must be one UTF-16 char, got '{r}'");
        }

        return r[0];
    }

    private static PrependScheme ReadPrependScheme(JsonElement n, string source)
    {
        if (Str(n, "prepend_scheme") is { } scheme)
        {
            return scheme switch
            {
                "always" => PrependScheme.Always,
                "first" => PrependScheme.First,
                "never" => PrependScheme.Never,
                _ => throw new TokenizerLoadException($"{source}: unknown Metaspace prepend_scheme '{scheme}'"),
            };
        }

        return Bool(n, "add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never;
    }

    private static TextPreTokenizer ReadPreTokenizer(JsonElement p, string source)
    {
        var type = TypeOf(p, "pre_tokenizer", source);
        return type switch
        {
            "Metaspace" => new MetaspacePreTokenizer(ReadReplacement(p, source), ReadPrependScheme(p, source), Bool(p, "split", true)),
            "BertPreTokenizer" => new BertPreTokenizer(),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "Sequence" => new SequencePreTokenizer(p.GetProperty("pretokenizers").EnumerateArray().Select(x => ReadPreTokenizer(x, source)).ToArray()),
            "Split" => ReadSplit(p, source),
            "ByteLevel" => new ByteLevelPreTokenizer(Bool(p, "add_prefix_space", true), Bool(p, "use_regex", true)),
            _ => throw new TokenizerLoadException($"{source}: unsupported pre_tokenizer type '{type}'"),
        };
    }

    private static SplitPreTokenizer ReadSplit(JsonElement p, string source)
    {
        if (!p.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{source}: Split pre_tokenizer has no \"pattern\"");
        }

        SplitPattern matcher;
        if (Str(pattern, "String") is { } literal)
        {
            matcher = new LiteralSplitPattern(literal);
        }
        else if (Str(pattern, "Regex") is { } regex)
        {
            try
            {
                matcher = SplitPattern.FromRegex(regex);
            }
            catch (ArgumentException e)
            {
                throw new TokenizerLoadException($"{source}: Split pre_tokenizer: invalid regex '{regex}': {e.Message}", e);
            }
        }
        else
        {
            throw new TokenizerLoadException($"{source}: Split pre_tokenizer: pattern is neither String nor Regex");
        }

        var behavior = Str(p, "behavior") switch
        {
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            var other => throw new TokenizerLoadException($"{source}: Split pre_tokenizer: unknown behavior '{other}'"),
        };
        return new SplitPreTokenizer(matcher, behavior, Bool(p, "invert", false));
    }

    private static PostProcessor ReadPostProcessor(JsonElement p, string source)
    {
        var type = TypeOf(p, "post_processor", source);
        switch (type)
        {
            case "TemplateProcessing":
                {
                    var specials = new Dictionary<string, (int[] Ids, string[] Tokens)>(StringComparer.Ordinal);
                    if (Optional(p, "special_tokens") is { } st)
                    {
                        foreach (var prop in st.EnumerateObject())
                        {
                            var ids = prop.Value.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                            var tokens = prop.Value.GetProperty("tokens").EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray();
                            specials[prop.Name] = (ids, tokens);
                        }
                    }

                    return new PostProcessor(ReadTemplate(p, "single", specials, source), ReadTemplate(p, "pair", specials, source));
                }

            case "RobertaProcessing":
            case "BertProcessing":
                {
                    var sep = p.GetProperty("sep");
                    var cls = p.GetProperty("cls");
                    var sepPiece = new TemplatePiece(false, false, [sep[1].GetInt32()], [sep[0].GetString()!], 0);
                    var clsPiece = new TemplatePiece(false, false, [cls[1].GetInt32()], [cls[0].GetString()!], 0);
                    var a = new TemplatePiece(true, false, [], [], 0);
                    if (type == "RobertaProcessing")
                    {
                        var b = new TemplatePiece(true, true, [], [], 0);
                        return new PostProcessor([clsPiece, a, sepPiece], [clsPiece, a, sepPiece, sepPiece, b, sepPiece]);
                    }

                    var b1 = new TemplatePiece(true, true, [], [], 1);
                    var sep1 = sepPiece with { TypeId = 1 };
                    return new PostProcessor([clsPiece, a, sepPiece], [clsPiece, a, sepPiece, b1, sep1]);
                }

            case "ByteLevel":
                // Adds no tokens (a pair gets type id 1); trim_offsets moves offsets past the spaces a token holds.
                return new PostProcessor([Sequence(false, 0)], [Sequence(false, 0), Sequence(true, 1)])
                {
                    TrimOffsets = Bool(p, "trim_offsets", true),
                    AddPrefixSpace = Bool(p, "add_prefix_space", true),
                    IsByteLevel = true,
                };

            case "Sequence":
                {
                    // E.g. [ByteLevel, TemplateProcessing]: the templates of the last one that has any, trimming if any trims.
                    var steps = p.GetProperty("processors").EnumerateArray().Select(x => ReadPostProcessor(x, source)).ToArray();
                    var template = steps.LastOrDefault(x => !x.IsByteLevel) ?? steps.LastOrDefault()
                        ?? new PostProcessor([Sequence(false, 0)], [Sequence(false, 0), Sequence(true, 1)]);
                    var trim = steps.FirstOrDefault(x => x.IsByteLevel && x.TrimOffsets);
                    return new PostProcessor(template.Single, template.Pair)
                    {
                        TrimOffsets = trim != null,
                        AddPrefixSpace = trim?.AddPrefixSpace ?? false,
                    };
                }

            default:
                throw new TokenizerLoadException($"{source}: unsupported post_processor type '{type}'");
        }
    }

    private static TemplatePiece Sequence(bool second, int typeId) => new(true, second, [], [], typeId);

    private static TemplatePiece[] ReadTemplate(JsonElement p, string name, Dictionary<string, (int[] Ids, string[] Tokens)> specials, string source)
    {
        if (Optional(p, name) is not { } arr)
        {
            return [];
        }

        var list = new List<TemplatePiece>();
        foreach (var item in arr.EnumerateArray())
        {
            if (item.TryGetProperty("SpecialToken", out var st))
            {
                var id = st.GetProperty("id").GetString()!;
                if (!specials.TryGetValue(id, out var sp))
                {
                    throw new TokenizerLoadException($"{source}: TemplateProcessing uses special token '{id}' missing from special_tokens");
                }

                list.Add(new TemplatePiece(false, false, sp.Ids, sp.Tokens, st.TryGetProperty("type_id", out var tt) ? tt.GetInt32() : 0));
            }
            else if (item.TryGetProperty("Sequence", out var seq))
            {
                var id = seq.GetProperty("id").GetString();
                list.Add(new TemplatePiece(true, id == "B", [], [], seq.TryGetProperty("type_id", out var tt) ? tt.GetInt32() : 0));
            }
            else
            {
                throw new TokenizerLoadException($"{source}: TemplateProcessing {name}: unknown template piece {item.GetRawText()}");
            }
        }

        return [.. list];
    }

    private static TokenDecoder ReadDecoder(JsonElement d, string source)
    {
        var type = TypeOf(d, "decoder", source);
        switch (type)
        {
            case "Metaspace":
                return new MetaspaceDecoder(ReadReplacement(d, source), ReadPrependScheme(d, source) != PrependScheme.Never);
            case "WordPiece":
                return new WordPieceDecoder(Str(d, "prefix") ?? "##", Bool(d, "cleanup", true));
            case "Replace":
                {
                    var (literal, regex) = ReadPattern(d, "Replace decoder", source);
                    if (literal == null)
                    {
                        throw new TokenizerLoadException($"{source}: Replace decoder with a Regex pattern ('{regex}') is not supported");
                    }

                    return new ReplaceDecoder(literal, Str(d, "content") ?? string.Empty);
                }

            case "Fuse":
                return new FuseDecoder();
            case "Strip":
                {
                    var content = Str(d, "content") ?? " ";
                    return new StripDecoder(content.Length > 0 ? content[0] : ' ', d.TryGetProperty("start", out var s) ? s.GetInt32() : 0, d.TryGetProperty("stop", out var e) ? e.GetInt32() : 0);
                }

            case "ByteFallback":
                return new ByteFallbackDecoder();
            case "ByteLevel":
                return new ByteLevelDecoder();
            case "Sequence":
                return new SequenceDecoder(d.GetProperty("decoders").EnumerateArray().Select(x => ReadDecoder(x, source)).ToArray());
            default:
                throw new TokenizerLoadException($"{source}: unsupported decoder type '{type}'");
        }
    }

    private static TokenizerTruncation ReadTruncation(JsonElement t, string source)
    {
        var max = t.GetProperty("max_length").GetInt32();
        var strategy = Str(t, "strategy") switch
        {
            null or "LongestFirst" => "longest_first",
            "OnlyFirst" => "only_first",
            "OnlySecond" => "only_second",
            var other => throw new TokenizerLoadException($"{source}: unknown truncation strategy '{other}'"),
        };
        var left = Str(t, "direction") == "Left";
        return new TokenizerTruncation(max, strategy, left, t.TryGetProperty("stride", out var s) ? s.GetInt32() : 0);
    }

    private static TokenizerPadding ReadPadding(JsonElement p, string source)
    {
        int? fixedLength = null;
        if (p.TryGetProperty("strategy", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("Fixed", out var f))
        {
            fixedLength = f.GetInt32();
        }
        else if (s.ValueKind == JsonValueKind.String && s.GetString() != "BatchLongest")
        {
            throw new TokenizerLoadException($"{source}: unknown padding strategy '{s.GetString()}'");
        }

        int? multiple = p.TryGetProperty("pad_to_multiple_of", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : null;
        return new TokenizerPadding(
            fixedLength,
            multiple,
            p.TryGetProperty("pad_id", out var id) ? id.GetInt32() : 0,
            p.TryGetProperty("pad_type_id", out var tid) ? tid.GetInt32() : 0,
            Str(p, "pad_token") ?? "[PAD]",
            Str(p, "direction") == "Left");
    }
}
