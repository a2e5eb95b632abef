// Benchmark harness: our engine side by side with peers on the same inputs (issue #4).
Console.WriteLine("jinaembed bench: see README (issue #4).");
