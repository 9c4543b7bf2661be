# shellcheck shell=sh disable=SC2154 # lang, mod, impl, dev: set by tests/learn-guest.sh
# Chapter 12's exercise (see tests/learn-guest.sh): a read-only ioctl,
# DUET_IOC_OPENERS, that copies a struct duet_openers (files, readers,
# writers open now) to user space, as ABI version 2. The conformance
# suite's openers_* tests are built once the UAPI header defines it.
load_duet || return
check "the ABI version is 2: duetctl $dev info says abi_version 2" \
	"a new ioctl is a new ABI version: set DUET_ABI_VERSION to 2 in shared_abi/uapi/linux/duet.h" \
	sh -c "duetctl $dev info | grep -qx 'abi_version 2'"
check "the conformance suite was built with the DUET_IOC_OPENERS tests" \
	"define struct duet_openers and DUET_IOC_OPENERS, _IOR(DUET_IOC_MAGIC, 4, struct duet_openers), in shared_abi/uapi/linux/duet.h" \
	sh -c "conformance -l 2>&1 | grep -q openers_count_open_files" || return
# conform TEST HINT - the conformance test duet.IMPL.TEST passes.
conform() {
	check "conformance: duet.$impl.$1 passes" "$2" \
		sh -c "conformance -r duet.$impl.$1 >/tmp/conf.out 2>&1; cat /tmp/conf.out; grep -q '^ok 1 duet.$impl.$1\$' /tmp/conf.out"
}
conform info "the INFO ioctl must still work as before (abi_version 2 is its only change)"
conform openers_count_open_files \
	"$(c_or_rust "a case DUET_IOC_OPENERS in duet_ioctl(): fill files, readers and writers with atomic_read() of dev->nopen, dev->nreaders and dev->nwriters, in that order, without the lock as INFO does, then copy_to_user() it" \
		"add const u32 RUST_CONST_HELPER_DUET_IOC_OPENERS = DUET_IOC_OPENERS; to duet_export.h, a glue::Openers newtype that is AsBytes (with its SAFETY comment), and a match arm that fills files, readers and writers with read_once() of nopen, nreaders and nwriters and writes it with a UserSliceWriter")"
conform openers_bad_pointers_get_efault \
	"$(c_or_rust "a pointer that copy_to_user() cannot write to must give EFAULT: return -EFAULT when it leaves bytes uncopied" \
		"a pointer the UserSliceWriter cannot write to must give EFAULT: pass on writer.write()'s error with ?")"
check "duetctl $dev openers prints files, readers and writers (3 files of holdopen, and its own)" \
	"add an \"openers\" command to guest/duetctl.c that calls DUET_IOC_OPENERS and prints \"files N\", \"readers N\", \"writers N\"" \
	sh -c "holdopen $dev 3 duetctl $dev openers >/tmp/openers.out; cat /tmp/openers.out; [ \"\$(tr '\n' ' ' </tmp/openers.out)\" = 'files 4 readers 4 writers 0 ' ]"
unload_duet
