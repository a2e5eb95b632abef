// jinaembed fuzz driver. Under afl-fuzz:   JinaEmbed.Fuzz <target>           (input on stdin, via SharpFuzz)
// Replaying saved inputs, no AFL needed:  JinaEmbed.Fuzz <target> --replay FILE|DIR...
// tests/suites/fuzz.sh runs both; docs/testing.md has the longer form.
using JinaEmbed.Fuzz;
using SharpFuzz;

if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: JinaEmbed.Fuzz <{string.Join("|", FuzzTargets.Names)}> [--replay FILE|DIR...]");
    return 2;
}

string target = args[0];
if (args.Length > 1 && args[1] == "--replay")
{
    int crashes = 0, inputs = 0;
    foreach (var file in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order(StringComparer.Ordinal))
    {
        inputs++;
        try
        {
            FuzzTargets.Run(target, File.ReadAllBytes(file));
        }
        catch (Exception error)
        {
            crashes++;
            Console.WriteLine($"CRASH {target} {file}: {error}");
        }
    }

    Console.WriteLine($"replay {target}: {inputs} inputs, {crashes} crashes");
    return crashes == 0 ? 0 : 1;
}

// Out of process: a stack overflow or a fail-fast in the target is reported as a crash instead of killing the fork server.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(target, buffer.ToArray());
});
return 0;
