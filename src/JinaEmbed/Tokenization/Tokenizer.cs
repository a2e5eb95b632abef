// A Hugging Face tokenizer.json pipeline: added tokens → normalizer → pre-tokenizer → model → post-processor.
// Spec: ../shared/spec/jina-embeddings-v3.md §2 (issue #2; WordPiece/BERT parts: issue #9).
using JinaEmbed.Tokenization.Decoders;
using JinaEmbed.Tokenization.Models;
using JinaEmbed.Tokenization.Normalizers;
using JinaEmbed.Tokenization.PreTokenizers;

namespace JinaEmbed.Tokenization;

/// <summary>Thread-safe text → token ids + offsets, built from a tokenizer.json file.</summary>
public sealed partial class Tokenizer
{
    private readonly TokenizerModel _model;
    private readonly TextNormalizer? _normalizer;
    private readonly TextPreTokenizer? _preTokenizer;
    private readonly PostProcessor? _postProcessor;
    private readonly TokenDecoder? _decoder;
    private readonly AddedVocabulary _rawAdded;
    private readonly AddedVocabulary _normalizedAdded;
    private readonly Dictionary<int, AddedToken> _addedById = [];
    private readonly Dictionary<string, AddedToken> _addedByContent = new(StringComparer.Ordinal);
    private readonly int[] _prefixIds;
    private readonly int[] _suffixIds;
    private readonly string?[] _idToToken;

    private Tokenizer(TokenizerDefinition definition)
    {
        _model = definition.Model;
        _normalizer = definition.Normalizer;
        _preTokenizer = definition.PreTokenizer;
        _postProcessor = definition.PostProcessor;
        _decoder = definition.Decoder;
        AddedTokens = definition.AddedTokens;
        foreach (var t in definition.AddedTokens)
        {
            _addedById[t.Id] = t;
            _addedByContent[t.Content] = t;
        }

        var all = new AddedVocabulary(definition.AddedTokens);
        _rawAdded = all.RawOnly();
        _normalizedAdded = all.NormalizedOnly();
        Truncation = definition.Truncation;
        Padding = definition.Padding;
        _prefixIds = _postProcessor?.Prefix() ?? [];
        _suffixIds = _postProcessor?.Suffix() ?? [];
        var size = _model.VocabularySize;
        foreach (var t in definition.AddedTokens)
        {
            if (_model.IdToToken(t.Id) == null)
            {
                size = Math.Max(size, t.Id + 1);
            }
        }

        VocabularySize = size;
        _idToToken = new string?[size];
        for (var id = 0; id < size; id++)
        {
            _idToToken[id] = _addedById.TryGetValue(id, out var t) ? t.Content : _model.IdToToken(id);
        }
    }

    /// <summary>Loads a tokenizer.json file.</summary>
    /// <exception cref="TokenizerLoadException">The file is malformed or declares an unsupported component.</exception>
    public static Tokenizer FromFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{path}: cannot read: {e.Message}", e);
        }

        return new Tokenizer(TokenizerJsonLoader.Load(bytes, path));
    }

    /// <summary>Loads tokenizer.json content from a string.</summary>
    /// <exception cref="TokenizerLoadException">The content is malformed or declares an unsupported component.</exception>
    public static Tokenizer FromJson(string json) =>
        new(TokenizerJsonLoader.Load(System.Text.Encoding.UTF8.GetBytes(json), "tokenizer.json"));

    /// <summary>Vocabulary size including added tokens.</summary>
    public int VocabularySize { get; }

    /// <summary>The added tokens declared by the file (specials such as &lt;s&gt;, &lt;mask&gt;).</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>The file's truncation block, applied by <see cref="Encode(string, bool)"/>; null if none.</summary>
    public TokenizerTruncation? Truncation { get; }

    /// <summary>The file's padding block, applied by <see cref="EncodeBatch"/> (and by Encode when fixed); null if none.</summary>
    public TokenizerPadding? Padding { get; }

    /// <summary>Special ids the post-processor puts before a single sequence (e.g. &lt;s&gt;).</summary>
    public IReadOnlyList<int> PrefixTokenIds => _prefixIds;

    /// <summary>Special ids the post-processor puts after a single sequence (e.g. &lt;/s&gt;).</summary>
    public IReadOnlyList<int> SuffixTokenIds => _suffixIds;

    /// <summary>Number of special tokens the post-processor adds to a single sequence or a pair.</summary>
    public int SpecialTokenCount(bool pair = false) => _postProcessor?.AddedTokens(pair) ?? 0;

    /// <summary>Id of a token string, or null.</summary>
    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var t) ? t.Id : _model.TokenToId(token);

    /// <summary>Token string of an id, or null.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Encodes one text; offsets are UTF-16 [start, end) into <paramref name="text"/>, specials get (0, 0).
    /// The file's truncation and fixed padding, if declared, are applied.</summary>
    public TokenizerEncoding Encode(string text, bool addSpecialTokens = true) =>
        Encode(text, addSpecialTokens, Truncation?.MaxLength ?? int.MaxValue);

    /// <summary>Encodes one text cut to at most <paramref name="maxLength"/> tokens, special tokens included and kept
    /// (the content is cut from the end, or from the start if the file's truncation says left).</summary>
    public TokenizerEncoding Encode(string text, bool addSpecialTokens, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = EncodeScratch.Get();
        var tokens = scratch.First;
        EncodeSequence(text, tokens, scratch);
        var added = addSpecialTokens ? SpecialTokenCount(false) : 0;
        if (maxLength != int.MaxValue && tokens.Count + added > maxLength)
        {
            tokens.Truncate(Math.Max(0, maxLength - added), Truncation?.FromLeft ?? false);
        }

        var encoding = Build(tokens, null, addSpecialTokens);
        return Padding is { FixedLength: { } fixedLength } pad ? Pad(encoding, fixedLength, pad) : encoding;
    }

    /// <summary>Only the ids of <see cref="Encode(string, bool, int)"/>: no token strings, offsets or masks are built.</summary>
    public int[] EncodeIds(string text, bool addSpecialTokens = true, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = EncodeScratch.Get();
        var tokens = scratch.First;
        EncodeSequence(text, tokens, scratch);
        var template = addSpecialTokens && _postProcessor != null ? _postProcessor.Single : null;
        var added = template == null ? 0 : _postProcessor!.AddedTokens(false);
        if (maxLength != int.MaxValue && tokens.Count + added > maxLength)
        {
            tokens.Truncate(Math.Max(0, maxLength - added), Truncation?.FromLeft ?? false);
        }

        if (template == null)
        {
            return tokens.Ids.AsSpan(0, tokens.Count).ToArray();
        }

        var ids = new int[tokens.Count + added];
        var n = 0;
        foreach (var piece in template)
        {
            if (piece.IsSequence)
            {
                if (!piece.IsSecond)
                {
                    tokens.Ids.AsSpan(0, tokens.Count).CopyTo(ids.AsSpan(n));
                    n += tokens.Count;
                }

                continue;
            }

            piece.Ids.CopyTo(ids, n);
            n += piece.Ids.Length;
        }

        return ids;
    }

    /// <summary>Encodes a pair of texts with the pair template, cut to <paramref name="maxLength"/> (longest first).</summary>
    public TokenizerEncoding EncodePair(string first, string second, bool addSpecialTokens = true, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var scratch = EncodeScratch.Get();
        var a = scratch.First;
        var b = scratch.Second;
        EncodeSequence(first, a, scratch);
        EncodeSequence(second, b, scratch);
        var limit = maxLength ?? Truncation?.MaxLength;
        if (limit is { } max)
        {
            var budget = Math.Max(0, max - (addSpecialTokens ? SpecialTokenCount(true) : 0));
            TruncatePair(a, b, budget, Truncation?.Strategy ?? "longest_first", Truncation?.FromLeft ?? false);
        }

        var encoding = Build(a, b, addSpecialTokens);
        return Padding is { FixedLength: { } fixedLength } pad ? Pad(encoding, fixedLength, pad) : encoding;
    }

    /// <summary>Encodes several texts (in parallel when there are many) and applies the file's padding, if any.</summary>
    public TokenizerEncoding[] EncodeBatch(IReadOnlyList<string> texts, bool addSpecialTokens = true, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new TokenizerEncoding[texts.Count];
        var max = maxLength ?? Truncation?.MaxLength ?? int.MaxValue;
        if (texts.Count >= 16)
        {
            Parallel.For(0, texts.Count, i => result[i] = EncodeUnpadded(texts[i], addSpecialTokens, max));
        }
        else
        {
            for (var i = 0; i < texts.Count; i++)
            {
                result[i] = EncodeUnpadded(texts[i], addSpecialTokens, max);
            }
        }

        if (Padding is { } pad)
        {
            var target = pad.FixedLength ?? result.Select(r => r.Count).DefaultIfEmpty(0).Max();
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = Pad(result[i], target, pad);
            }
        }

        return result;
    }

    /// <summary>Decodes ids back to text through the file's decoder (tokens joined by spaces if it has none).</summary>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special))
                {
                    tokens.Add(added.Content);
                }

                continue;
            }

            if (_model.IdToToken(id) is { } piece)
            {
                tokens.Add(piece);
            }
        }

        if (_decoder == null)
        {
            return string.Join(' ', tokens);
        }

        _decoder.Decode(tokens);
        return string.Concat(tokens);
    }

    private TokenizerEncoding EncodeUnpadded(string text, bool addSpecialTokens, int maxLength)
    {
        var scratch = EncodeScratch.Get();
        var tokens = scratch.First;
        EncodeSequence(text, tokens, scratch);
        var added = addSpecialTokens ? SpecialTokenCount(false) : 0;
        if (maxLength != int.MaxValue && tokens.Count + added > maxLength)
        {
            tokens.Truncate(Math.Max(0, maxLength - added), Truncation?.FromLeft ?? false);
        }

        return Build(tokens, null, addSpecialTokens);
    }

    /// <summary>Added tokens, then per gap: normalize, (normalized added tokens), pre-tokenize, model.</summary>
    private void EncodeSequence(string text, TokenBuffer tokens, EncodeScratch scratch)
    {
        tokens.Clear();
        if (_rawAdded.IsEmpty)
        {
            EncodeSegment(text, 0, text.Length, tokens, scratch);
            if (_postProcessor is { TrimOffsets: true } p)
            {
                p.Trim(tokens, IdToToken);
            }

            return;
        }

        var matches = scratch.Matches;
        _rawAdded.Split(text, matches);
        var count = matches.Count;
        for (var k = 0; k < count; k++)
        {
            var m = scratch.Matches[k];
            if (m.Token is { } t)
            {
                tokens.Add(t.Id, m.Start, m.End, null, t.Special);
            }
            else
            {
                EncodeSegment(text, m.Start, m.End, tokens, scratch);
            }
        }

        if (_postProcessor is { TrimOffsets: true } processor)
        {
            processor.Trim(tokens, IdToToken);
        }
    }

    private void EncodeSegment(string text, int start, int end, TokenBuffer tokens, EncodeScratch scratch)
    {
        scratch.Text.SetOriginal(text.AsSpan(start, end - start), start);
        _normalizer?.Normalize(ref scratch.Text, ref scratch.Spare);
        if (_normalizedAdded.IsEmpty)
        {
            scratch.Splits.Clear();
            scratch.Splits.Add(0, scratch.Text.Length);
            PreTokenizeAndModel(tokens, scratch);
            return;
        }

        // Normalized added tokens: match in the normalized text; each gap is pre-tokenized on its own.
        var normalized = scratch.Text;
        scratch.Text = new NormalizedText();
        var inner = new List<AddedMatch>();
        _normalizedAdded.Split(normalized.Chars, inner);
        foreach (var m in inner)
        {
            if (m.Token is { } t)
            {
                tokens.Add(t.Id, normalized.Starts[m.Start], normalized.Ends[m.End - 1], null, t.Special);
                continue;
            }

            scratch.Text.Clear(normalized.Origin);
            scratch.Text.AppendFrom(normalized, m.Start, m.End);
            scratch.Splits.Clear();
            scratch.Splits.Add(0, scratch.Text.Length);
            PreTokenizeAndModel(tokens, scratch);
        }

        scratch.Text = normalized;
    }

    private void PreTokenizeAndModel(TokenBuffer tokens, EncodeScratch scratch)
    {
        if (scratch.Splits.Count == 0)
        {
            return;
        }

        _preTokenizer?.PreTokenize(ref scratch.Text, ref scratch.Spare, ref scratch.Splits, ref scratch.SpareSplits);
        var splits = scratch.Splits;
        for (var k = 0; k < splits.Count; k++)
        {
            _model.Tokenize(scratch.Text, splits.Starts[k], splits.Ends[k], tokens);
        }
    }

    private static void TruncatePair(TokenBuffer a, TokenBuffer b, int max, string strategy, bool fromLeft)
    {
        if (a.Count + b.Count <= max)
        {
            return;
        }

        switch (strategy)
        {
            case "only_first":
                a.Truncate(Math.Max(0, max - b.Count), fromLeft);
                return;
            case "only_second":
                b.Truncate(Math.Max(0, max - a.Count), fromLeft);
                return;
        }

        // HF's longest_first: the shorter keeps what it can, the longer takes the rest; halve if both are long.
        var n1 = a.Count;
        var n2 = b.Count;
        var swap = n1 > n2;
        if (swap)
        {
            (n1, n2) = (n2, n1);
        }

        n2 = n1 > max ? n1 : Math.Max(n1, max - n1);
        if (n1 + n2 > max)
        {
            n1 = max / 2;
            n2 = n1 + (max % 2);
        }

        if (swap)
        {
            (n1, n2) = (n2, n1);
        }

        a.Truncate(n1, fromLeft);
        b.Truncate(n2, fromLeft);
    }

    private TokenizerEncoding Build(TokenBuffer a, TokenBuffer? b, bool addSpecialTokens)
    {
        var template = addSpecialTokens && _postProcessor != null ? (b == null ? _postProcessor.Single : _postProcessor.Pair) : null;
        // Counted from the template itself: a template may name a sequence twice (or $B in a single), found by fuzzing.
        var total = template == null ? a.Count + (b?.Count ?? 0)
            : template.Sum(piece => piece.IsSequence ? ((piece.IsSecond ? b : a)?.Count ?? 0) : piece.Ids.Length);
        var ids = new int[total];
        var tokens = new string[total];
        var offsets = new (int, int)[total];
        var special = new bool[total];
        var types = new int[total];
        var n = 0;
        if (template == null)
        {
            Copy(a, 0);
            if (b != null)
            {
                Copy(b, 1);
            }
        }
        else
        {
            foreach (var piece in template)
            {
                if (piece.IsSequence)
                {
                    var seq = piece.IsSecond ? b : a;
                    if (seq != null)
                    {
                        Copy(seq, piece.TypeId);
                    }

                    continue;
                }

                for (var k = 0; k < piece.Ids.Length; k++)
                {
                    ids[n] = piece.Ids[k];
                    tokens[n] = piece.Tokens[k];
                    special[n] = true;
                    types[n] = piece.TypeId;
                    n++;
                }
            }
        }

        return new TokenizerEncoding(ids, tokens, offsets, special, types);

        void Copy(TokenBuffer source, int typeId)
        {
            for (var k = 0; k < source.Count; k++)
            {
                var id = source.Ids[k];
                ids[n] = id;
                tokens[n] = source.Texts[k] ?? IdToToken(id) ?? string.Empty;
                offsets[n] = (source.Starts[k], source.Ends[k]);
                special[n] = source.Special[k];
                types[n] = typeId;
                n++;
            }
        }
    }

    private static TokenizerEncoding Pad(TokenizerEncoding e, int length, TokenizerPadding pad)
    {
        if (pad.PadToMultipleOf is > 0 and var m && length % m != 0)
        {
            length += m - (length % m);
        }

        if (e.Count >= length)
        {
            return e;
        }

        var extra = length - e.Count;
        var at = pad.FromLeft ? extra : 0;
        var padAt = pad.FromLeft ? 0 : e.Count;
        var ids = new int[length];
        var tokens = new string[length];
        var offsets = new (int, int)[length];
        var special = new bool[length];
        var types = new int[length];
        var mask = new int[length];
        Array.Copy(e.Ids, 0, ids, at, e.Count);
        Array.Copy(e.Tokens, 0, tokens, at, e.Count);
        Array.Copy(e.Offsets, 0, offsets, at, e.Count);
        Array.Copy(e.SpecialTokensMask, 0, special, at, e.Count);
        Array.Copy(e.TypeIds, 0, types, at, e.Count);
        Array.Copy(e.AttentionMask, 0, mask, at, e.Count);
        for (var k = padAt; k < padAt + extra; k++)
        {
            ids[k] = pad.PadId;
            tokens[k] = pad.PadToken;
            special[k] = true;
            types[k] = pad.PadTypeId;
        }

        return new TokenizerEncoding(ids, tokens, offsets, special, types, mask);
    }

    /// <summary>Per-thread buffers of the encode path.</summary>
    private sealed class EncodeScratch
    {
        [ThreadStatic]
        private static EncodeScratch? _instance;

        public NormalizedText Text = new();
        public NormalizedText Spare = new();
        public SplitList Splits = new();
        public SplitList SpareSplits = new();

        public TokenBuffer First { get; } = new();

        public TokenBuffer Second { get; } = new();

        public List<AddedMatch> Matches { get; } = [];

        public static EncodeScratch Get() => _instance ??= new EncodeScratch();
    }
}
