// Side-by-side driver for cascade-cpp (our code; links the unmodified cascade-cpp sources, see build.sh).
// Usage: driver ALGO KEYBITS QBER RUNS -> one JSON line: mean CPU (thread) and real seconds per run, Mbit/s.
#include "algorithm.h"
#include "key.h"
#include "mock_classical_session.h"
#include "random.h"
#include "reconciliation.h"
#include <cstdio>
#include <cstdlib>
#include <string>
int main(int argc, char** argv) {
    if (argc < 5) { std::fprintf(stderr, "usage: ccbench ALGO BITS QBER RUNS\n"); return 2; }
    std::string algo = argv[1];
    int bits = std::atoi(argv[2]);
    double q = std::atof(argv[3]);
    int runs = std::atoi(argv[4]);
    Cascade::set_random_uint32_seed(1234);
    const Cascade::Algorithm* a = Cascade::Algorithm::get_by_name(algo);
    if (!a) { std::fprintf(stderr, "unknown algorithm\n"); return 2; }
    double proc = 0, real = 0, bestReal = 1e30, bestProc = 1e30; long leaked = 0; int fails = 0;
    for (int r = 0; r < runs; r++) {
        Cascade::Key correct(bits);
        Cascade::MockClassicalSession s(correct, a->cache_shuffles);
        Cascade::Key noisy = correct;
        noisy.apply_noise(q);
        Cascade::Reconciliation rec(*a, s, noisy, q, &correct);
        rec.reconcile();
        Cascade::Stats& st = rec.get_stats();
        proc += st.elapsed_process_time; real += st.elapsed_real_time;
        if (st.elapsed_real_time < bestReal) bestReal = st.elapsed_real_time;
        if (st.elapsed_process_time < bestProc) bestProc = st.elapsed_process_time;
        leaked += st.reconciliation_bits;
        if (correct.nr_bits_different(rec.get_reconciled_key()) != 0) fails++;
    }
    std::printf("{\"algo\":\"%s\",\"bits\":%d,\"qber\":%g,\"runs\":%d,\"meanCpuS\":%.6f,\"meanRealS\":%.6f,\"mbpsCpu\":%.4f,\"mbpsReal\":%.4f,\"bestMbpsReal\":%.4f,\"bestMbpsCpu\":%.4f,\"leakedPerRun\":%.1f,\"fails\":%d}\n",
        algo.c_str(), bits, q, runs, proc / runs, real / runs, bits / (proc / runs) / 1e6, bits / (real / runs) / 1e6, bits / bestReal / 1e6, bits / bestProc / 1e6, double(leaked) / runs, fails);
    return 0;
}
