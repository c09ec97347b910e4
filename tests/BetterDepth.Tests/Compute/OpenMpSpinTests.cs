using System.Runtime.InteropServices;
using BetterDepth.Compute;

namespace BetterDepth.Tests.Compute;

public partial class OpenMpSpinTests
{
    // getenv's result points into the environment itself: read, never freed, so no string return marshalling
    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetenvPointer(string name);

    static string? NativeGetenv(string name) => Marshal.PtrToStringUTF8(GetenvPointer(name));

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeSetenv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeUnsetenv(string name);

    /// <summary>
    /// The limit reaches the C library's environment (what libgomp reads) and .NET's (what child processes get), and a
    /// value the user chose is left alone. One test, because both halves change the process environment.
    /// </summary>
    [Fact]
    public void SetsTheSpinCountWhereLibgompReadsItUnlessTheUserChoseOne()
    {
        if (!OperatingSystem.IsLinux()) return;
        var saved = Environment.GetEnvironmentVariable(OpenMpSpin.Variable);
        var savedPolicy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        try
        {
            Unset(OpenMpSpin.Variable);
            Unset("OMP_WAIT_POLICY");
            Assert.True(OpenMpSpin.LimitBeforeLibtorchLoads());
            Assert.Equal("30000", NativeGetenv(OpenMpSpin.Variable));
            Assert.Equal("30000", Environment.GetEnvironmentVariable(OpenMpSpin.Variable));

            Set(OpenMpSpin.Variable, "1234");
            Assert.False(OpenMpSpin.LimitBeforeLibtorchLoads());
            Assert.Equal("1234", NativeGetenv(OpenMpSpin.Variable));

            Unset(OpenMpSpin.Variable);
            Set("OMP_WAIT_POLICY", "PASSIVE");
            Assert.False(OpenMpSpin.LimitBeforeLibtorchLoads());
            Assert.Null(NativeGetenv(OpenMpSpin.Variable));
        }
        finally
        {
            Restore(OpenMpSpin.Variable, saved);
            Restore("OMP_WAIT_POLICY", savedPolicy);
        }
    }

    static void Set(string name, string value)
    {
        Assert.Equal(0, NativeSetenv(name, value, 1));
        Environment.SetEnvironmentVariable(name, value);
    }

    static void Unset(string name)
    {
        NativeUnsetenv(name);
        Environment.SetEnvironmentVariable(name, null);
    }

    static void Restore(string name, string? value)
    {
        if (value is null) Unset(name);
        else Set(name, value);
    }
}
