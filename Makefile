# SPDX-License-Identifier: GPL-2.0
#
# duet - host Makefile: set-up, build, boot and test. `make help` lists
# the targets. (Inside the kernel tree, drivers/misc/duet/Kbuild is used
# instead of this file.)

# The cache: /var/cache/duet if this user can write there, else
# ~/.cache/duet (scripts/lib.sh decides, once per make).
ifeq ($(origin DUET_CACHE),undefined)
DUET_CACHE	:= $(shell sh scripts/cache-dir.sh)
endif
DUET_HOST_TOOLS	?= 0
DUET_FLAVOR	?= lab
DUET_ACCEL	?= tcg
DUET_CPU	?= max
export DUET_CACHE DUET_ARCH DUET_HOST_TOOLS DUET_FLAVOR DUET_ACCEL DUET_CPU DUET_TIMEOUT DUET_STALL DUET_TALK

.PHONY: x86-only help deps toolchain kernel demo check check-quick difftest run shell bench report stress bugs lab lab-args lab-build lab-check lab-guide refresh-patches talk clean clean-cache

help:
	@echo 'duet: one misc device in C and in Rust, on Linux 7.3 (LLVM=1)'
	@echo
	@echo '  make demo      set everything up, boot, load both modules, show them'
	@echo '  make check     the test suite: builds, boots, prints TAP and a summary'
	@echo '  make check SUITE=name[,name]  only those suites (make check LIST=1 lists them)'
	@echo '  make check-quick  the suites to run after every edit (about 3 minutes warm)'
	@echo '  make run SCRIPT=path [FILES=dir]'
	@echo '                 boot, copy dir in, run the script there, return its status'
	@echo '  make shell     an interactive guest shell (Ctrl-A X quits)'
	@echo '  make difftest [SEED=n] [OPS=n]  the same calls to both devices, every'
	@echo '                 answer compared (tests/selftests/difftest.c); a divergence'
	@echo '                 is shrunk to a reproducer'
	@echo '  make bench     measure both devices and the baselines (minutes)'
	@echo '  make report    write report/report.{md,html,json} (runs bench if needed)'
	@echo '  make stress    the long sanitizer run on the debug kernel, with a table,'
	@echo '                 and 10^7 operations of the differential tester (hours)'
	@echo '  make bugs [ONLY=n]  plant the classic module bugs (bugs/) in C and in'
	@echo '                 Rust, and show what catches each (report/bugs.txt), and'
	@echo '                 probe each build-time checker (report/probes.txt)'
	@echo '  make lab CHAPTER=n  run chapter n of the lab guide (docs/lab) in the guest'
	@echo '  make lab-build [STEP=n]  build your modules of the hands-on lab (learn/)'
	@echo '  make lab-check STEP=n  build them, boot, grade them: what to fix, line by line'
	@echo '  make lab-check CHAPTER=n  grade your edits of duet_c and duet_rust for'
	@echo '                 chapter n'"'"'s exercise (make lab-check alone: every step and chapter)'
	@echo '  make lab-guide   re-render docs/lab/*.md from docs/lab/src and the sources'
	@echo '  make refresh-patches  re-base the patches of bugs/, learn/ and the'
	@echo '                 differential tester onto the sources after an edit'
	@echo '  make talk      a paced demo for talks: C left, Rust right (DUET_TALK=auto: no pauses)'
	@echo '  make kernel    only the set-up: toolchain, kernel, modules, initramfs'
	@echo '  make deps      only the host packages (qemu, debootstrap or mmdebstrap, cpio)'
	@echo '  make clean     delete what the commands wrote into the checkout (report/)'
	@echo '  make clean-cache  delete $(DUET_CACHE) (the next build is cold)'
	@echo
	@echo 'Settings (make VAR=value): DUET_CACHE=$(DUET_CACHE)'
	@echo '  DUET_HOST_TOOLS=1 build with the host toolchain instead of a trixie root'
	@echo '  DUET_ACCEL=tcg|kvm (kvm only if a probe boot works)  DUET_CPU=$(DUET_CPU)'
	@echo '  DUET_ARCH=x86_64|arm64 the guest (default: the host'"'"'s; arm64 on an x86_64'
	@echo '                 host runs under TCG, lab flavor only; README "arm64")'
	@echo '  DUET_FLAVOR=lab|debug  DUET_TIMEOUT=seconds per boot'
	@echo '  DUET_STALL=seconds a guest script may print nothing before it is'
	@echo '                 stopped as hung, with where the kernel is stuck (300; 0 = no limit)'

deps:
	@sh scripts/deps.sh

toolchain: deps
	@sh scripts/toolchain.sh

kernel:
	@sh scripts/prepare.sh

demo: kernel
	@sh scripts/boot.sh guest/demo.sh

check:
	@SUITE="$(SUITE)" LIST="$(LIST)" sh scripts/check.sh

check-quick:
	@SUITE=$$(sed -n 's/^QUICK=//p' scripts/check.sh) sh scripts/check.sh

run: kernel
	@test -n "$(SCRIPT)" || { echo 'usage: make run SCRIPT=path [FILES=dir]' >&2; exit 2; }
	@sh scripts/boot.sh "$(SCRIPT)" $(if $(FILES),"$(FILES)")

shell: kernel
	@sh scripts/boot.sh --shell

difftest: kernel
	@SEED="$(SEED)" OPS="$(OPS)" sh scripts/difftest.sh

bench: x86-only kernel
	@sh scripts/bench.sh

report: x86-only kernel
	@sh scripts/report.sh

stress:
	@sh scripts/stress.sh

# (then, for the whole catalogue, each build-time checker's probe)
bugs:
	@sh scripts/bugs.sh $(ONLY)
	@[ -n "$(ONLY)" ] || sh scripts/bugs.sh -p

# (lab-args first: a wrong command fails before the set-up.)
lab: lab-args x86-only kernel
	@sh scripts/lab.sh "$(CHAPTER)"

lab-args:
	@test -z "$(STEP)" || { echo 'make lab takes CHAPTER=n, the chapter of docs/lab to run; STEP=n is for the hands-on steps (make lab-build, make lab-check)' >&2; exit 2; }
	@test -n "$(CHAPTER)" || { echo 'usage: make lab CHAPTER=n (see docs/lab/00-index.md)' >&2; exit 2; }

lab-build: x86-only kernel
	@sh scripts/lab-build.sh $(STEP)

lab-check: x86-only kernel
	@sh scripts/lab-check.sh $(if $(CHAPTER),--chapter $(CHAPTER),$(STEP))

lab-guide:
	@sh scripts/lab-guide.sh

refresh-patches:
	@sh scripts/refresh-patches.sh

talk: x86-only kernel
	@sh scripts/talk.sh

# The targets that only an x86_64 guest has stop here, before the set-up,
# when DUET_ARCH is another.
x86-only:
	@sh scripts/x86-only.sh "make $(firstword $(MAKECMDGOALS))"

clean:
	rm -rf report

clean-cache:
	rm -rf "$(DUET_CACHE)"
