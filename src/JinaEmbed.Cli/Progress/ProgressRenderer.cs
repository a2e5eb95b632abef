// Draws one progress line on stderr: redrawn in place (\r) on a terminal, or plain lines every few seconds when
// stderr is redirected, so logs stay readable (issue #7).
using System.Diagnostics;

namespace JinaEmbed.Cli.Progress;

/// <summary>Throttled single-line progress output.</summary>
internal sealed class ProgressRenderer
{
    private readonly TextWriter _writer;
    private readonly Func<TimeSpan> _clock;
    private readonly TimeSpan _interval;
    private TimeSpan _last = TimeSpan.MinValue;
    private int _width;

    /// <param name="writer">Where to draw (stderr).</param>
    /// <param name="interactive">True on a terminal: redraw in place ten times a second; false: a new line every two seconds.</param>
    /// <param name="clock">Elapsed time source (tests pass a fake one).</param>
    public ProgressRenderer(TextWriter writer, bool interactive, Func<TimeSpan>? clock = null)
    {
        _writer = writer;
        Interactive = interactive;
        if (clock == null)
        {
            var stopwatch = Stopwatch.StartNew();
            clock = () => stopwatch.Elapsed;
        }

        _clock = clock;
        _interval = interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(2);
    }

    /// <summary>A renderer on <paramref name="error"/> that draws in place only when it is a terminal's stderr.</summary>
    public static ProgressRenderer For(TextWriter error) =>
        new(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);

    public bool Interactive { get; }

    /// <summary>Time since the renderer was created.</summary>
    public TimeSpan Elapsed => _clock();

    /// <summary>Shows <paramref name="line"/> unless one was shown less than the interval ago (always when forced).</summary>
    public void Update(Func<string> line, bool force = false)
    {
        var now = _clock();
        if (!force && _last != TimeSpan.MinValue && now - _last < _interval)
        {
            return;
        }

        _last = now;
        var text = line();
        if (Interactive)
        {
            // Pad over the previous, possibly longer, line.
            _writer.Write("\r" + text.PadRight(_width));
            _width = text.Length;
        }
        else
        {
            _writer.WriteLine(text);
        }

        _writer.Flush();
    }

    /// <summary>Ends the progress display with a final line.</summary>
    public void Complete(string line)
    {
        if (Interactive)
        {
            _writer.WriteLine("\r" + line.PadRight(_width));
            _width = 0;
        }
        else
        {
            _writer.WriteLine(line);
        }

        _writer.Flush();
    }
}
