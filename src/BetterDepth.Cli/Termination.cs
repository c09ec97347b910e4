using System.Runtime.InteropServices;

namespace BetterDepth.Cli;

/// <summary>
/// Ctrl-C and SIGTERM (scancel, kill) ask the running command to stop: the first one cancels its token and keeps the
/// process alive until the command has finished what it must (a training step and its checkpoint, an output being
/// written), however long that takes; a second one stops the process at once. System.CommandLine's own handling
/// ends the process 2 seconds after the signal whatever the command is doing, which tore the runtime down under a
/// running libtorch step (a segmentation fault instead of the "cancelled" exit and its checkpoint).
/// </summary>
sealed class Termination : IDisposable
{
    readonly CancellationTokenSource requested = new();
    readonly PosixSignalRegistration[] registrations;
    int signals;

    public Termination() =>
        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    public CancellationToken Token => requested.Token;

    void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref signals) > 1) return; // not cancelled: the runtime's default, the process ends
        context.Cancel = true;
        Console.Error.WriteLine($"{context.Signal}: stopping once the current step is saved (send it again to stop at once)");
        requested.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        requested.Dispose();
    }
}
