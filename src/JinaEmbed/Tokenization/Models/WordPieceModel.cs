// "WordPiece" model (issue #9): greedy longest-match-first from the start of the word, continuation pieces prefixed
// with continuing_subword_prefix ("##"); a word longer than max_input_chars_per_word or with an unmatchable rest → unk.
namespace JinaEmbed.Tokenization.Models;

internal sealed class WordPieceModel : TokenizerModel
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly PieceTrie _trie;
    private readonly int _continuationNode;
    private readonly int _unkId;
    private readonly string _unkToken;
    private readonly int _maxChars;

    public WordPieceModel(Dictionary<string, int> vocab, string unkToken, string prefix, int maxInputCharsPerWord)
    {
        _ids = vocab;
        var size = 0;
        foreach (var (_, id) in vocab)
        {
            size = Math.Max(size, id + 1);
        }

        _tokens = new string[size];
        var keys = new string[vocab.Count];
        var values = new int[vocab.Count];
        var k = 0;
        foreach (var (token, id) in vocab)
        {
            _tokens[id] = token;
            keys[k] = token;
            values[k++] = id;
        }

        _trie = new PieceTrie(keys, values);

        var node = PieceTrie.Root;
        foreach (var c in prefix)
        {
            node = node < 0 ? -1 : _trie.Child(node, c);
            if (node == 0)
            {
                node = -1;
            }
        }

        _continuationNode = node;
        _unkToken = unkToken;
        _unkId = vocab.TryGetValue(unkToken, out var unk) ? unk : -1;
        _maxChars = maxInputCharsPerWord;
    }

    public override int VocabularySize => _tokens.Length;

    public override int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public override string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public override void Tokenize(NormalizedText text, int start, int end, TokenBuffer output)
    {
        if (end <= start)
        {
            return;
        }

        var chars = text.RawChars;
        var starts = text.Starts;
        var ends = text.Ends;
        var codePoints = 0;
        for (var i = start; i < end; i++)
        {
            if (!(char.IsHighSurrogate(chars[i]) && i + 1 < end && char.IsLowSurrogate(chars[i + 1])))
            {
                codePoints++;
            }
        }

        var mark = output.Count;
        if (codePoints <= _maxChars)
        {
            var pos = start;
            while (pos < end)
            {
                var node = pos == start ? PieceTrie.Root : _continuationNode;
                var bestEnd = -1;
                var bestId = -1;
                for (var j = pos; j < end && node >= 0; j++)
                {
                    node = _trie.Child(node, chars[j]);
                    if (node == 0)
                    {
                        break;
                    }

                    var id = _trie.Value(node);
                    if (id >= 0 && !(char.IsHighSurrogate(chars[j]) && j + 1 < end))
                    {
                        bestEnd = j + 1;
                        bestId = id;
                    }
                }

                if (bestId < 0)
                {
                    output.Truncate(mark, false);
                    break;
                }

                output.Add(bestId, starts[pos], ends[bestEnd - 1]);
                pos = bestEnd;
            }

            if (pos >= end)
            {
                return;
            }
        }

        if (_unkId < 0)
        {
            throw new InvalidOperationException($"The WordPiece model has no unk token '{_unkToken}' in its vocabulary.");
        }

        output.Add(_unkId, starts[start], ends[end - 1], _unkToken);
    }
}
